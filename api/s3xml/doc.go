// Package s3xml holds the XML bodies of the S3 REST API: the response
// documents Silo writes (in the S3 namespace) and the request documents it
// reads, with strict, size-limited decoding that answers MalformedXML for
// anything that is not the expected document.
package s3xml
