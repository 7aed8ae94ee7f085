// Command silo-bench measures the machine it runs on and Silo's storage
// engine on the same directory, and prints the engine's figures as ratios to
// the machine's own limits (the machines we run on are shared and noisy, so
// absolute numbers mean little; ratios taken in one run do).
//
// It measures, in order: raw sequential write (fsynced) and read speed of
// the disk; fsynced 4 KiB file creations per second; Reed-Solomon 4+2
// encoding of 1 MiB blocks; bitrot hash speeds (HighwayHash-256,
// BLAKE2b-256, SHA-256); storage-API PUT and GET of 4 KiB, 1 MiB and 64 MiB
// objects on 4 drives EC:2 (4 KiB and 1 MiB also at concurrency 16); the
// same 4 KiB and 1 MiB PUTs and GETs through HTTP against the real server
// started in-process on loopback TCP, driven by aws-sdk-go-v2 (SigV4,
// keep-alive), next to a null handler on loopback driven by the same client
// (the HTTP ceiling of the machine); PUT and GET of 64 MiB objects through
// the real server in the clear, with SSE-S3 (static KMS key) and with SSE-C,
// in alternating rounds, over TLS and over plain HTTP with the loopback
// development switch, as MiB/s, process CPU time per operation and ratios
// to the clear in the same rounds; and the time of one LIST page of 1000
// with a delimiter in buckets of growing size (10 k and 100 k keys by
// default; 1 M with -keys).
//
//	go run ./cmd/silo-bench [-dir DIR] [-keys 10000,100000,1000000] [-list-budget 20m] [-raw-mib 512]
//	go run ./cmd/silo-bench -only sse [-sse-rounds 11] [-cpuprofile sse.prof]
//
// -only runs the named sections alone (raw, api, http, sse, authz, list).
//
// `make bench` runs it with the defaults; docs/benchmarks.md records a run.
package main
