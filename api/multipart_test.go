package api

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"
)

func TestMultipart(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "multipart")
	part1 := bytes.Repeat([]byte("a"), 5<<20)
	part2 := []byte("tail")
	create, err := e.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("big"),
		ContentType: aws.String("video/test"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatal(err)
	}
	id := create.UploadId
	up := func(n int32, data []byte) *s3.UploadPartOutput {
		out, err := e.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(b), Key: aws.String("big"), UploadId: id, PartNumber: aws.Int32(n),
			Body: bytes.NewReader(data), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		if err != nil {
			t.Fatalf("UploadPart %d: %v", n, err)
		}
		return out
	}
	p1, p2 := up(1, part1), up(2, part2)
	t.Run("list uploads", func(t *testing.T) {
		out, err := e.s3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(b)})
		if err != nil || len(out.Uploads) != 1 || aws.ToString(out.Uploads[0].UploadId) != aws.ToString(id) {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("list parts", func(t *testing.T) {
		out, err := e.s3.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(b), Key: aws.String("big"), UploadId: id, MaxParts: aws.Int32(1)})
		if err != nil || len(out.Parts) != 1 || !aws.ToBool(out.IsTruncated) || aws.ToString(out.Parts[0].ETag) != aws.ToString(p1.ETag) {
			t.Fatalf("%+v %v", out, err)
		}
		out, err = e.s3.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(b), Key: aws.String("big"), UploadId: id, PartNumberMarker: out.NextPartNumberMarker})
		if err != nil || len(out.Parts) != 1 || aws.ToInt32(out.Parts[0].PartNumber) != 2 {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("complete out of order", func(t *testing.T) {
		_, err := e.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("big"), UploadId: id,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
				{PartNumber: aws.Int32(2), ETag: p2.ETag}, {PartNumber: aws.Int32(1), ETag: p1.ETag}}}})
		wantCode(t, err, "InvalidPartOrder")
	})
	t.Run("complete wrong etag", func(t *testing.T) {
		_, err := e.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("big"), UploadId: id,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
				{PartNumber: aws.Int32(1), ETag: aws.String(`"00000000000000000000000000000000"`)}, {PartNumber: aws.Int32(2), ETag: p2.ETag}}}})
		wantCode(t, err, "InvalidPart")
	})
	t.Run("complete", func(t *testing.T) {
		out, err := e.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("big"), UploadId: id,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
				{PartNumber: aws.Int32(1), ETag: p1.ETag, ChecksumCRC32: p1.ChecksumCRC32}, {PartNumber: aws.Int32(2), ETag: p2.ETag, ChecksumCRC32: p2.ChecksumCRC32}}}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(aws.ToString(out.ETag), `-2"`) || !strings.HasSuffix(aws.ToString(out.ChecksumCRC32), "-2") {
			t.Fatalf("Complete = ETag %s CRC32 %s", aws.ToString(out.ETag), aws.ToString(out.ChecksumCRC32))
		}
		get, err := e.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("big"), PartNumber: aws.Int32(2)})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(get.Body)
		get.Body.Close()
		if string(data) != "tail" || aws.ToInt32(get.PartsCount) != 2 || aws.ToString(get.ContentRange) != "bytes 5242880-5242883/5242884" {
			t.Fatalf("part 2 = %q parts %d range %s", data, aws.ToInt32(get.PartsCount), aws.ToString(get.ContentRange))
		}
		head, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("big")})
		if err != nil || aws.ToInt64(head.ContentLength) != int64(len(part1)+len(part2)) || aws.ToString(head.ContentType) != "video/test" {
			t.Fatalf("%+v %v", head, err)
		}
	})
	t.Run("no such upload", func(t *testing.T) {
		_, err := e.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(b), Key: aws.String("big"), UploadId: id, PartNumber: aws.Int32(3), Body: strings.NewReader("x")})
		wantCode(t, err, "NoSuchUpload")
	})
	t.Run("abort", func(t *testing.T) {
		c2, err := e.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("aborted")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("aborted"), UploadId: c2.UploadId}); err != nil {
			t.Fatal(err)
		}
		_, err = e.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("aborted"), UploadId: c2.UploadId})
		wantCode(t, err, "NoSuchUpload")
	})
	t.Run("upload part copy", func(t *testing.T) {
		e.put(t, b, "src", "0123456789")
		c3, err := e.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("copied")})
		if err != nil {
			t.Fatal(err)
		}
		cp, err := e.s3.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(b), Key: aws.String("copied"), UploadId: c3.UploadId,
			PartNumber: aws.Int32(1), CopySource: aws.String(b + "/src"), CopySourceRange: aws.String("bytes=2-5")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("copied"), UploadId: c3.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: cp.CopyPartResult.ETag}}}}); err != nil {
			t.Fatal(err)
		}
		get, err := e.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("copied")})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(get.Body)
		get.Body.Close()
		if string(data) != "2345" {
			t.Fatalf("copied part = %q", data)
		}
		_, err = e.s3.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(b), Key: aws.String("copied"), UploadId: c3.UploadId,
			PartNumber: aws.Int32(1), CopySource: aws.String(b + "/src"), CopySourceRange: aws.String("bytes=5-2")})
		wantCode(t, err, "InvalidArgument")
	})
	t.Run("minio-go multipart", func(t *testing.T) {
		data := bytes.Repeat([]byte("z"), 6<<20)
		_, err := e.minio.PutObject(ctx, b, "mc-big", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{PartSize: 5 << 20})
		if err != nil {
			t.Fatal(err)
		}
		st, err := e.minio.StatObject(ctx, b, "mc-big", minio.StatObjectOptions{})
		if err != nil || st.Size != int64(len(data)) || !strings.HasSuffix(st.ETag, "-2") {
			t.Fatalf("%+v %v", st, err)
		}
	})
}
