package server

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestValidateCredentials(t *testing.T) {
	tests := []struct {
		name, user, pass string
		allowDefault     bool
		wantErr          bool
	}{
		{name: "good", user: "admin", pass: "secret123"},
		{name: "min lengths", user: "abc", pass: "12345678"},
		{name: "short user", user: "ab", pass: "12345678", wantErr: true},
		{name: "short password", user: "admin", pass: "1234567", wantErr: true},
		{name: "user only", user: "admin", wantErr: true},
		{name: "password only", pass: "secret123", wantErr: true},
		{name: "slash in user", user: "ad/min", pass: "secret123", wantErr: true},
		{name: "space in user", user: "ad min", pass: "secret123", wantErr: true},
		{name: "control in password", user: "admin", pass: "secret\n123", wantErr: true},
		{name: "default refused", user: "minioadmin", pass: "minioadmin", wantErr: true},
		{name: "default allowed", user: "minioadmin", pass: "minioadmin", allowDefault: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateCredentials(tt.user, tt.pass, tt.allowDefault)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ValidateCredentials(%q, %q) = %v, wantErr %v", tt.user, tt.pass, err, tt.wantErr)
			}
		})
	}
	if err := ValidateCredentials("minioadmin", "minioadmin", false); !errors.Is(err, ErrDefaultCredentials) {
		t.Fatalf("default pair: %v, want ErrDefaultCredentials", err)
	}
}

func TestGeneratedCredentialsStable(t *testing.T) {
	root := t.TempDir()
	drives := []string{filepath.Join(root, "d1"), filepath.Join(root, "d2")}
	for _, d := range drives {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Drives: drives}
	first, err := resolveCredentials(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !first.generated {
		t.Fatal("first start did not generate credentials")
	}
	want := filepath.Join(drives[0], SysDir, CredentialsFileName)
	if first.path != want {
		t.Fatalf("stored at %s, want %s", first.path, want)
	}
	for _, d := range drives {
		st, err := os.Stat(filepath.Join(d, SysDir, CredentialsFileName))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("credentials file mode %v, want 0600", st.Mode().Perm())
		}
	}
	if err := ValidateCredentials(first.AccessKey, first.SecretKey, false); err != nil {
		t.Fatalf("generated pair invalid: %v", err)
	}

	// Losing the first drive keeps the pair (the copy on the second is used).
	lost := filepath.Join(root, "d3-replacement")
	tests := []struct {
		name   string
		drives []string
	}{
		{name: "same order", drives: drives},
		{name: "drives reordered", drives: []string{drives[1], drives[0]}},
		{name: "first drive replaced", drives: []string{lost, drives[1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			again, err := resolveCredentials(Config{Drives: tt.drives})
			if err != nil {
				t.Fatal(err)
			}
			if again.generated || again.AccessKey != first.AccessKey || again.SecretKey != first.SecretKey {
				t.Fatalf("restart gave a different pair (generated=%v)", again.generated)
			}
		})
	}

	// Explicit credentials win over the stored pair and are not stored.
	given, err := resolveCredentials(Config{Drives: drives, RootUser: "admin", RootPassword: "password1"})
	if err != nil || given.AccessKey != "admin" || given.path != "" {
		t.Fatalf("explicit credentials: %+v, %v", given, err)
	}

	// A corrupt file is an error, not a silent regeneration.
	if err := os.WriteFile(first.path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := resolveCredentials(cfg); err == nil {
		t.Fatal("corrupt credentials file accepted")
	}
}
