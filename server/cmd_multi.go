package server

// transactionCommands are MULTI, EXEC, DISCARD, WATCH and UNWATCH.
var transactionCommands = []*Command{}
