package http
