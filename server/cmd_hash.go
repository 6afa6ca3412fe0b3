package server

var hashCommands = []*Command{}
