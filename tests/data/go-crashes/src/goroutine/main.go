package main

import (
	"sync"
)

type job struct{ name *string }

func worker(j job, wg *sync.WaitGroup) {
	println(*j.name)
	wg.Done()
}

func main() {
	var wg sync.WaitGroup
	wg.Add(1)
	go worker(job{}, &wg)
	wg.Wait()
}
