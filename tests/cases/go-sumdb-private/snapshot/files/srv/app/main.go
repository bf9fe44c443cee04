package main

import "git.internal/team/lib"

func main() { lib.Run() }
