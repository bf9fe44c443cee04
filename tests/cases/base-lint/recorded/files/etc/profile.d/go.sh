export GOROOT=/home/dev/go
export PATH=$PATH:$GOROOT/bin
