// Command silo is the Silo object storage server.
//
//	silo server [--address HOST:PORT] [--certs-dir DIR] DRIVE...
//	silo --version
//	silo help
//
// It turns command-line flags and SILO_* (or MinIO's MINIO_*) environment
// variables into a server.Config, runs the server until SIGTERM or SIGINT, and
// reports bad input as one line on stderr with a non-zero exit status.
package main
