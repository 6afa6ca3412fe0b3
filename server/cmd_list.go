package server

var listCommands = []*Command{}
