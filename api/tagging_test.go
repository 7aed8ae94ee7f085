package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
)

func tagList(n int) []s3xml.Tag {
	out := make([]s3xml.Tag, n)
	for i := range out {
		out[i] = s3xml.Tag{Key: fmt.Sprintf("k%d", i), Value: "v"}
	}
	return out
}

func TestCheckTags(t *testing.T) {
	tests := []struct {
		name  string
		tags  []s3xml.Tag
		limit int
		code  s3err.Code
	}{
		{"ok", []s3xml.Tag{{Key: "project", Value: "silo"}, {Key: "a b+c-=._:/@", Value: ""}}, maxObjectTags, ""},
		{"unicode", []s3xml.Tag{{Key: "clé", Value: "värde"}}, maxObjectTags, ""},
		{"ten", tagList(10), maxObjectTags, ""},
		{"eleven", tagList(11), maxObjectTags, s3err.BadRequest},
		{"fifty bucket", tagList(50), maxBucketTags, ""},
		{"fifty-one bucket", tagList(51), maxBucketTags, s3err.BadRequest},
		{"key too long", []s3xml.Tag{{Key: strings.Repeat("k", 129), Value: "v"}}, maxObjectTags, s3err.InvalidTag},
		{"key max", []s3xml.Tag{{Key: strings.Repeat("k", 128), Value: strings.Repeat("v", 256)}}, maxObjectTags, ""},
		{"value too long", []s3xml.Tag{{Key: "k", Value: strings.Repeat("v", 257)}}, maxObjectTags, s3err.InvalidTag},
		{"empty key", []s3xml.Tag{{Key: "", Value: "v"}}, maxObjectTags, s3err.InvalidTag},
		{"bad key char", []s3xml.Tag{{Key: "a*b", Value: "v"}}, maxObjectTags, s3err.InvalidTag},
		{"bad value char", []s3xml.Tag{{Key: "a", Value: "x<y"}}, maxObjectTags, s3err.InvalidTag},
		{"aws prefix", []s3xml.Tag{{Key: "aws:cost", Value: "v"}}, maxObjectTags, s3err.InvalidTag},
		{"duplicate", []s3xml.Tag{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}, maxObjectTags, s3err.InvalidTag},
		{"invalid before count", append(tagList(11), s3xml.Tag{Key: "a*", Value: ""}), maxObjectTags, s3err.InvalidTag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkTags(tt.tags, tt.limit)
			if got := codeOf(err); got != tt.code {
				t.Fatalf("checkTags = %v, want code %q", err, tt.code)
			}
		})
	}
}

// codeOf returns the S3 code of err, "" for nil.
func codeOf(err error) s3err.Code {
	if err == nil {
		return ""
	}
	return s3err.From(err)
}

func TestTaggingHeader(t *testing.T) {
	tests := []struct {
		header, stored string
		code           s3err.Code
	}{
		{"", "", ""},
		{"a=1&b=two%20words", "a=1&b=two+words", ""},
		{"z=1&a=2", "z=1&a=2", ""},
		{"k", "k=", ""},
		{"a=1&a=2", "", s3err.InvalidArgument},
		{"a=%zz", "", s3err.InvalidArgument},
		{"a*=1", "", s3err.InvalidTag},
		{strings.TrimSuffix(strings.Repeat("k=v&", 1), "&") + "&" + encodeTags(tagList(10)), "", s3err.BadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			got, err := parseTaggingHeader(tt.header)
			if codeOf(err) != tt.code || (err == nil && got != tt.stored) {
				t.Fatalf("parseTaggingHeader(%q) = %q, %v; want %q, %q", tt.header, got, err, tt.stored, tt.code)
			}
			if err == nil {
				back, ok := decodeTags(got)
				if !ok || encodeTags(back) != got {
					t.Fatalf("round trip of %q = %v", got, back)
				}
			}
		})
	}
}

func TestTagConditions(t *testing.T) {
	tags := []s3xml.Tag{{Key: "team", Value: "blue"}, {Key: "env", Value: "prod"}}
	got := tagConditions("s3:RequestObjectTag", tags)
	if got["s3:RequestObjectTag/team"][0] != "blue" || got["s3:RequestObjectTag/env"][0] != "prod" ||
		strings.Join(got["s3:RequestObjectTagKeys"], ",") != "team,env" {
		t.Fatalf("request conditions = %v", got)
	}
	got = tagConditions("s3:ExistingObjectTag", tags)
	if len(got) != 2 || got["s3:ExistingObjectTag/team"][0] != "blue" {
		t.Fatalf("existing conditions = %v", got)
	}
}

func TestObjectTaggingHandlers(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "tags")
	_, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader("x"), Tagging: aws.String("a=1&b=2")})
	if err != nil {
		t.Fatal(err)
	}
	tagsOf := func(key string) string {
		t.Helper()
		out, err := e.s3.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(b), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, tg := range out.TagSet {
			parts = append(parts, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
		return strings.Join(parts, "&")
	}
	t.Run("put header", func(t *testing.T) {
		if got := tagsOf("k"); got != "a=1&b=2" {
			t.Fatalf("tags = %q", got)
		}
		head, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		get, err := e.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		get.Body.Close()
		if aws.ToInt32(get.TagCount) != 2 {
			t.Fatalf("GetObject TagCount = %v (head %+v)", get.TagCount, head.Metadata)
		}
	})
	t.Run("put and delete tagging", func(t *testing.T) {
		_, err := e.s3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k"),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("c"), Value: aws.String("3")}}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := tagsOf("k"); got != "c=3" {
			t.Fatalf("tags = %q", got)
		}
		if _, err := e.s3.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k")}); err != nil {
			t.Fatal(err)
		}
		if got := tagsOf("k"); got != "" {
			t.Fatalf("tags after delete = %q", got)
		}
	})
	t.Run("bad input changes nothing", func(t *testing.T) {
		_, _ = e.s3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k"),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("keep"), Value: aws.String("me")}}}})
		var many []types.Tag
		for i := range 11 {
			many = append(many, types.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")})
		}
		_, err := e.s3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k"), Tagging: &types.Tagging{TagSet: many}})
		wantCode(t, err, "BadRequest")
		_, err = e.s3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k"),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("a"), Value: aws.String("2")}}}})
		wantCode(t, err, "InvalidTag")
		_, err = e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader("y"), Tagging: aws.String("a=1&a=2")})
		wantCode(t, err, "InvalidArgument")
		if got := tagsOf("k"); got != "keep=me" {
			t.Fatalf("tags = %q", got)
		}
		_, err = e.s3.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("missing")})
		wantCode(t, err, "NoSuchKey")
	})
	t.Run("copy directive", func(t *testing.T) {
		_, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("copy"), CopySource: aws.String(b + "/k")})
		if err != nil {
			t.Fatal(err)
		}
		if got := tagsOf("copy"); got != "keep=me" {
			t.Fatalf("COPY tags = %q", got)
		}
		_, err = e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("copy2"), CopySource: aws.String(b + "/k"),
			TaggingDirective: types.TaggingDirectiveReplace, Tagging: aws.String("new=1")})
		if err != nil {
			t.Fatal(err)
		}
		if got := tagsOf("copy2"); got != "new=1" {
			t.Fatalf("REPLACE tags = %q", got)
		}
		_, err = e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("copy2"), CopySource: aws.String(b + "/copy2"),
			TaggingDirective: types.TaggingDirectiveReplace, Tagging: aws.String("inplace=2")})
		if err != nil {
			t.Fatal(err)
		}
		if got := tagsOf("copy2"); got != "inplace=2" {
			t.Fatalf("in-place REPLACE tags = %q", got)
		}
	})
	t.Run("multipart", func(t *testing.T) {
		up, err := e.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("mp"), Tagging: aws.String("mp=yes")})
		if err != nil {
			t.Fatal(err)
		}
		part, err := e.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(b), Key: aws.String("mp"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("mp"), UploadId: up.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := tagsOf("mp"); got != "mp=yes" {
			t.Fatalf("multipart tags = %q", got)
		}
	})
}

func TestBucketTaggingHandlers(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "btags")
	_, err := e.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(b)})
	wantCode(t, err, "NoSuchTagSet")
	var fifty []types.Tag
	for i := range 50 {
		fifty = append(fifty, types.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")})
	}
	if _, err := e.s3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(b), Tagging: &types.Tagging{TagSet: fifty}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.s3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(b),
		Tagging: &types.Tagging{TagSet: append(fifty, types.Tag{Key: aws.String("x"), Value: aws.String("y")})}})
	wantCode(t, err, "BadRequest")
	out, err := e.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(b)})
	if err != nil || len(out.TagSet) != 50 || aws.ToString(out.TagSet[7].Key) != "k7" {
		t.Fatalf("GetBucketTagging = %+v, %v", out, err)
	}
	if _, err := e.s3.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String(b)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(b)})
	wantCode(t, err, "NoSuchTagSet")
	_, err = e.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("nosuchbucket")})
	wantCode(t, err, "NoSuchBucket")
}

func TestRequestTagConditions(t *testing.T) {
	c := &call{r: httptest.NewRequest(http.MethodPut, "/b/k", nil)}
	c.r.Header.Set("x-amz-tagging", "team=blue&env=prod")
	req := iamRequest(c, "AK", "s3:PutObject", "b", "k")
	if got := req.Conditions["s3:RequestObjectTag/team"]; len(got) != 1 || got[0] != "blue" {
		t.Fatalf("conditions = %v", req.Conditions)
	}
	if got := strings.Join(req.Conditions["s3:RequestObjectTagKeys"], ","); got != "team,env" {
		t.Fatalf("tag keys = %q", got)
	}
}

// TestPostObjectTagging: the tagging field of a browser POST upload (a
// Tagging document signed into the policy) becomes the object's tags.
func TestPostObjectTagging(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "posttags")
	for _, tt := range []struct {
		name, tagging string
		status        int
		code          string
	}{
		{"ok", `<Tagging><TagSet><Tag><Key>src</Key><Value>form</Value></Tag></TagSet></Tagging>`, 204, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, rb := e.postSigned(t, b, "k-"+tt.name, []byte("data"), func(p *minio.PostPolicy) error { return p.SetTagging(tt.tagging) })
			if resp.StatusCode != tt.status || errorCode(rb) != tt.code {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, rb, tt.status, tt.code)
			}
			if tt.status != 204 {
				return
			}
			out, err := e.s3.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k-" + tt.name)})
			if err != nil || len(out.TagSet) != 1 || aws.ToString(out.TagSet[0].Key) != "src" || aws.ToString(out.TagSet[0].Value) != "form" {
				t.Fatalf("tags = %+v, %v", out, err)
			}
		})
	}
}
