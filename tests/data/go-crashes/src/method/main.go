package main

import "fmt"

type Server struct {
	addr  string
	conns map[string]int
}

func (s *Server) Start(n int) {
	s.conns[s.addr] = n
	fmt.Println("started", s.addr)
}

func main() {
	s := &Server{addr: ":8080"}
	s.Start(3)
}
