module example.com/app

go 1.21

<<<<<<< HEAD
require golang.org/x/sys v0.13.0
=======
require golang.org/x/sys v0.15.0
>>>>>>> feature
