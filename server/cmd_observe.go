package server

// observeCommands are the commands operators use to see what the server
// is doing: SLOWLOG and LATENCY.
var observeCommands = []*Command{}
