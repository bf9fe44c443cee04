package cache

import (
	"fmt"
	"iter"
	"maps"
)

var entries = map[string]int{}

func Keys() iter.Seq[string] { return maps.Keys(entries) }

func Dump() {
	for k := range maps.Keys(entries) {
		fmt.Println(k)
	}
}
