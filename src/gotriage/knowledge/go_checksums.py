"""The SHA-256 of Go's published Linux release archives (go1.N.linux-ARCH.tar.gz), as Go
publishes them on https://go.dev/dl/ (`https://go.dev/dl/?mode=json&include=all`).

Source: docker-library/golang's versions.json (commit 005ca4128e45b46125d25893e48691cfed2918a7),
which copies each archive's "sha256" from go.dev/dl's JSON; copied on 2026-12-07.  Only the
releases listed there (1.25.9 and 1.26.1) are known: an archive of another release is
reported as unknown, never as good or bad.  To add a release, copy its lines from
go.dev/dl/?mode=json&include=all ("filename" and "sha256").
"""

SOURCE = ("go.dev/dl (?mode=json&include=all), via docker-library/golang versions.json "
          "at 005ca4128e45, copied 2026-12-07")

# archive file name -> its SHA-256, lower-case hex
SHA256 = {
    "go1.26.1.linux-amd64.tar.gz": "031f088e5d955bab8657ede27ad4e3bc5b7c1ba281f05f245bcc304f327c987a",
    "go1.26.1.linux-arm64.tar.gz": "a290581cfe4fe28ddd737dde3095f3dbeb7f2e4065cab4eae44dfc53b760c2f7",
    "go1.26.1.linux-386.tar.gz": "da75d696c6b9440fe9fb6418429f29eaeee947707ee8c6ddb567c558051a1cc2",
    "go1.26.1.linux-ppc64le.tar.gz": "f56eed002998f5f51fa07fd4ed0c5de5e02d51cec7a4007f771c7576620d9d45",
    "go1.26.1.linux-s390x.tar.gz": "60fe623ef63e6338c055ec0e0e3f4fa85c97a056de2d2f6ee38591e2bfa9cdde",
    "go1.25.9.linux-amd64.tar.gz": "00859d7bd6defe8bf84d9db9e57b9a4467b2887c18cd93ae7460e713db774bc1",
    "go1.25.9.linux-arm64.tar.gz": "ec342e7389b7f489564ed5463c63b16cf8040023dabc7861256677165a8c0e2b",
    "go1.25.9.linux-386.tar.gz": "1e14a73bc2b19e370e0d4c57ba87aabfe8aef1e435e14d246742d48a13254f36",
    "go1.25.9.linux-ppc64le.tar.gz": "b0c41c7da1fc8d39020d65296a0dc54167afd9f76d67064e22c31ce3d839a739",
    "go1.25.9.linux-s390x.tar.gz": "0cf55136ac7eaccfc36d849054f849510ea289c2d959ffbed7b3866b4f484d17",
}
