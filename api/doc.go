// Package api is Silo's S3 REST surface. New returns an http.Handler that
// routes every request (path-style or virtual-host-style) into a typed
// operation, authenticates it with an Authenticator (api/sigv4), authorizes
// it with an Authorizer (iam), runs the handler against a storage.Store and
// writes any error once, as an S3 XML error translated by api/s3err.
package api
