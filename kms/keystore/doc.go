// Package keystore is Silo's own key service: named master keys kept as
// small files in one or more directories (one per drive), each sealed under
// a root key that never touches those directories. A Store implements
// kms.KMS; it backs the embedded key service of `silo server` and the
// standalone `silo kms server`.
package keystore
