package policy

import (
	"fmt"
	"slices"
)

// Names of the built-in policies, with the meanings MinIO gives them.
const (
	// BuiltInReadOnly may read any object and locate any bucket.
	BuiltInReadOnly = "readonly"
	// BuiltInReadWrite may perform every S3 action on every bucket.
	BuiltInReadWrite = "readwrite"
	// BuiltInWriteOnly may upload objects to any bucket, and nothing else.
	BuiltInWriteOnly = "writeonly"
	// BuiltInDiagnostics may use the read-only diagnostic admin APIs.
	BuiltInDiagnostics = "diagnostics"
	// BuiltInConsoleAdmin may do everything: every admin, KMS and S3 action.
	BuiltInConsoleAdmin = "consoleAdmin"
)

// builtInDocument returns the JSON document of a built-in policy.
func builtInDocument(name string) (string, bool) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[%s],"Resource":["arn:aws:s3:::*"]}]}`
	switch name {
	case BuiltInReadOnly:
		return fmt.Sprintf(doc, `"s3:GetBucketLocation","s3:GetObject"`), true
	case BuiltInReadWrite:
		return fmt.Sprintf(doc, `"s3:*"`), true
	case BuiltInWriteOnly:
		return fmt.Sprintf(doc, `"s3:PutObject"`), true
	case BuiltInDiagnostics:
		return fmt.Sprintf(doc, `"admin:ServerInfo","admin:Profiling","admin:ServerTrace",`+
			`"admin:ConsoleLog","admin:OBDInfo","admin:TopLocksInfo","admin:BandwidthMonitor",`+
			`"admin:Prometheus"`), true
	case BuiltInConsoleAdmin:
		return fmt.Sprintf(doc, `"admin:*","kms:*","s3:*"`), true
	}
	return "", false
}

// BuiltIn returns a fresh copy of the built-in policy called name
// (case-sensitive, as in MinIO), or false if there is none.
func BuiltIn(name string) (*Policy, bool) {
	doc, ok := builtInDocument(name)
	if !ok {
		return nil, false
	}
	p, err := Parse([]byte(doc))
	if err != nil {
		panic("policy: built-in policy " + name + " does not parse: " + err.Error())
	}
	return p, true
}

// BuiltInNames returns the names of the built-in policies, sorted.
func BuiltInNames() []string {
	names := []string{BuiltInConsoleAdmin, BuiltInDiagnostics, BuiltInReadOnly, BuiltInReadWrite, BuiltInWriteOnly}
	slices.Sort(names)
	return names
}
