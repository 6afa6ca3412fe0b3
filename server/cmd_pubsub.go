package server

// pubsubCommands are the publish/subscribe commands.
var pubsubCommands = []*Command{}
