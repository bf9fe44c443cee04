package main

import "errors"

func load() error { return errors.New("config: no such key \"db\"") }

func main() {
	if err := load(); err != nil {
		panic(err)
	}
}
