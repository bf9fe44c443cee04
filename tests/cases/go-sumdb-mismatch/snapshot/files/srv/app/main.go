package main

import "github.com/BurntSushi/toml"

func main() { _, _ = toml.Decode("", nil) }
