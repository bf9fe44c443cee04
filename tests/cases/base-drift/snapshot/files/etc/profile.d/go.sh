export PATH=$PATH:/opt/go/bin
