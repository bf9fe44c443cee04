package main

import "example.com/app/internal/jobs"

func main() { jobs.Run() }
