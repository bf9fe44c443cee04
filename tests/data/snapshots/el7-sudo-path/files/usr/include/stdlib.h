/* glibc-devel */
