package server

var zsetCommands = []*Command{}
