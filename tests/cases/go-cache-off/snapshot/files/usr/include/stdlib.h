(glibc-devel not recorded)
