// Empty: lets gosched_measure.go declare the body-less //go:linkname function nanotime.
