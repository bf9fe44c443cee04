package main

import "example.com/app/internal/cache"

func main() { cache.Dump() }
