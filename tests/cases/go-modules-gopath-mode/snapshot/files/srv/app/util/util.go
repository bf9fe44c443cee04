package util

const Name = "app"
