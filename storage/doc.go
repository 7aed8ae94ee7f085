// Package storage is the contract between Silo's S3 layer and its object
// stores: small capability interfaces, the value types they exchange and the
// sentinel errors they return. It knows nothing of HTTP, XML or IAM.
package storage
