package main

import (
	"errors"
	"reflect"
	"testing"
)

func TestExpandEllipses(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{in: "/data", want: []string{"/data"}},
		{in: "/data{1...4}", want: []string{"/data1", "/data2", "/data3", "/data4"}},
		{in: "./data/drive{1...2}", want: []string{"./data/drive1", "./data/drive2"}},
		{in: "/mnt/disk{01...03}/silo", want: []string{"/mnt/disk01/silo", "/mnt/disk02/silo", "/mnt/disk03/silo"}},
		{in: "/d{8...11}", want: []string{"/d8", "/d9", "/d10", "/d11"}},
		{in: "/d{08...11}", want: []string{"/d08", "/d09", "/d10", "/d11"}},
		{in: "{1...2}/x", want: []string{"1/x", "2/x"}},
		{in: "/d{a...c}", want: []string{"/da", "/db", "/dc"}},
		{in: "/h{1...2}/d{1...3}", want: []string{"/h1/d1", "/h1/d2", "/h1/d3", "/h2/d1", "/h2/d2", "/h2/d3"}},
		{in: "/d{3...3}", want: []string{"/d3"}},
		{in: "/lit{abc}/d{1...2}", want: []string{"/lit{abc}/d1", "/lit{abc}/d2"}},
		{in: "/d{1...}", wantErr: true},
		{in: "/d{...4}", wantErr: true},
		{in: "/d{1...4", wantErr: true},
		{in: "/d1...4}", wantErr: true},
		{in: "/d{4...1}", wantErr: true},
		{in: "/d{a...1}", wantErr: true},
		{in: "/d{1..4}...", wantErr: true},
		{in: "/d{-1...4}", wantErr: true},
		{in: "/d{1...2...3}", wantErr: true},
		{in: "/d{z...a}", wantErr: true},
		{in: "/d{1...99999999}", wantErr: true},
		{in: "/d{1...100}/e{1...100}", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := expandEllipses(tt.in)
			if tt.wantErr {
				if !errors.Is(err, errEllipsis) {
					t.Fatalf("expandEllipses(%q) = %v, %v; want an ellipsis error", tt.in, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("expandEllipses(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("expandEllipses(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExpandArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr bool
	}{
		{name: "several args", args: []string{"/a{1...2}", "/b"}, want: []string{"/a1", "/a2", "/b"}},
		{name: "duplicate", args: []string{"/a{1...2}", "/a2"}, wantErr: true},
		{name: "bad", args: []string{"/a{1...x}"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := expandArgs(tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("expandArgs(%q) error = %v, wantErr %v", tt.args, err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("expandArgs(%q) = %q, want %q", tt.args, got, tt.want)
			}
		})
	}
}

func FuzzExpandEllipses(f *testing.F) {
	for _, s := range []string{"/d{1...4}", "/h{1...2}/d{01...16}", "{a...z}", "{1...", "x...}", "{}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := expandEllipses(s)
		if err != nil {
			return
		}
		if len(out) == 0 || len(out) > maxExpanded {
			t.Fatalf("expandEllipses(%q) gave %d results", s, len(out))
		}
	})
}
