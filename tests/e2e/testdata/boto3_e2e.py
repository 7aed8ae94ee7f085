#!/usr/bin/python3
"""boto3 end-to-end scenario against a Silo server, driven by boto3_test.go.

Usage: boto3_e2e.py ENDPOINT CA_FILE_OR_EMPTY BUCKET WORKDIR
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
Prints one line per check ("ok ..." or "FAIL ..."); exits 1 if any check failed.
"""

import hashlib
import os
import sys
import traceback

import boto3
import urllib3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

MIB = 1024 * 1024
failures = []


def check(cond, what):
    if cond:
        print("ok", what, flush=True)
    else:
        print("FAIL", what, flush=True)
        failures.append(what)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_file(path, size, seed):
    """Deterministic pseudo-random content (sha256 counter stream)."""
    h = hashlib.sha256()
    with open(path, "wb") as f:
        written, counter = 0, 0
        while written < size:
            block = b"".join(
                hashlib.sha256(b"%d:%d" % (seed, counter + i)).digest() for i in range(2048)
            )
            counter += 2048
            block = block[: size - written]
            f.write(block)
            h.update(block)
            written += len(block)
    return h.hexdigest()


def error_code(fn, *args, **kwargs):
    """Runs fn and returns (code, http status, request id) of its ClientError."""
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        meta = e.response.get("ResponseMetadata", {})
        return e.response.get("Error", {}).get("Code"), meta.get("HTTPStatusCode"), meta.get("RequestId")
    return None, 200, None


def step(name, fn, *args):
    """Runs one scenario step; an exception fails the step, not the run."""
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001 - any exception is a failed check
        traceback.print_exc()
        check(False, "%s: unexpected %s: %s" % (name, type(e).__name__, e))


def main():
    endpoint, ca, bucket, work = sys.argv[1:5]
    verify = ca if ca else None
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        verify=verify,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                      read_timeout=15, max_pool_connections=1),
    )

    http = urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs=ca) if ca else urllib3.PoolManager()
    s3.create_bucket(Bucket=bucket)
    for name, fn in [
        ("bucket", bucket_errors),
        ("put-get", put_get),
        ("empty-then-more", empty_then_more),
        ("multipart", multipart),
        ("presigned-post", presigned_post),
        ("list", listing),
        ("presigned-get", presigned_get),
        ("error-codes", error_codes),
        ("cleanup", cleanup),
    ]:
        step(name, fn, s3, http, bucket, work)


def bucket_errors(s3, http, bucket, work):
    code, status, rid = error_code(s3.create_bucket, Bucket=bucket)
    check(code == "BucketAlreadyOwnedByYou" and status == 409, "create existing bucket -> BucketAlreadyOwnedByYou 409 (got %s %s)" % (code, status))
    check(bool(rid), "error carries a request id")
    loc = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    check(loc in (None, ""), "us-east-1 bucket location is empty (got %r)" % loc)
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    check(bucket in names, "list_buckets lists the bucket")


BODY = os.urandom(70000)


def put_get(s3, http, bucket, work):
    body = BODY
    s3.put_object(Bucket=bucket, Key="dir/one.bin", Body=body, Metadata={"k": "v"})
    got = s3.get_object(Bucket=bucket, Key="dir/one.bin")
    data = got["Body"].read()
    check(hashlib.sha256(data).hexdigest() == hashlib.sha256(body).hexdigest(), "get_object returns the bytes put")
    check(got["Metadata"].get("k") == "v", "user metadata round-trips (%r)" % got["Metadata"])
    rng = s3.get_object(Bucket=bucket, Key="dir/one.bin", Range="bytes=10-19")["Body"].read()
    check(rng == body[10:20], "ranged get")


def empty_then_more(s3, http, bucket, work):
    """An empty upload, then another on the same pooled connection.

    botocore sends "Expect: 100-continue" even with an empty body; when the
    server answers without "100 Continue" first, botocore 1.29 keeps stale
    state on the kept-alive connection and the next upload's body is never
    sent. The second object must still arrive intact.
    """
    empty = os.path.join(work, "empty.bin")
    open(empty, "wb").close()
    after = os.path.join(work, "after.bin")
    want = write_file(after, 5000, 3)
    s3.upload_file(empty, bucket, "seq/empty")
    s3.upload_file(after, bucket, "seq/after")
    got = s3.get_object(Bucket=bucket, Key="seq/after")["Body"].read()
    check(hashlib.sha256(got).hexdigest() == want, "upload after an empty upload on the same connection is intact")
    check(s3.head_object(Bucket=bucket, Key="seq/empty")["ContentLength"] == 0, "empty object stored")


def multipart(s3, http, bucket, work):
    """upload_file/download_file through the transfer manager, 5 MiB parts."""
    src = os.path.join(work, "twelve.bin")
    want = write_file(src, 12 * MIB + 11, 7)
    cfg = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_file(src, bucket, "mp/twelve.bin", Config=cfg)
    head = s3.head_object(Bucket=bucket, Key="mp/twelve.bin")
    check(head["ContentLength"] == 12 * MIB + 11, "multipart size")
    check(head["ETag"].endswith('-3"'), "multipart ETag has 3 parts (%s)" % head["ETag"])
    dst = os.path.join(work, "twelve.down")
    s3.download_file(bucket, "mp/twelve.bin", dst, Config=cfg)
    check(sha256_file(dst) == want, "multipart download is byte-exact")


def presigned_post(s3, http, bucket, work):
    """Browser form upload: generate_presigned_post + multipart/form-data POST."""
    post = s3.generate_presigned_post(
        Bucket=bucket,
        Key="form/${filename}",
        Fields={"Content-Type": "text/plain", "x-amz-meta-origin": "form"},
        Conditions=[
            ["starts-with", "$key", "form/"],
            {"Content-Type": "text/plain"},
            {"x-amz-meta-origin": "form"},
            ["content-length-range", 1, 1 * MIB],
        ],
        ExpiresIn=300,
    )
    form_body = b"uploaded from a browser form\n"
    fields = dict(post["fields"])
    fields["file"] = ("hello.txt", form_body, "text/plain")
    resp = http.request("POST", post["url"], fields=fields)
    check(resp.status == 204, "presigned POST answers 204 (got %s: %s)" % (resp.status, resp.data[:300]))
    got = s3.get_object(Bucket=bucket, Key="form/hello.txt")
    check(got["Body"].read() == form_body, "POSTed object content")
    check(got["Metadata"].get("origin") == "form", "POSTed object metadata")
    # The policy forbids keys outside form/: AccessDenied, nothing stored.
    bad = dict(post["fields"])
    bad["key"] = "elsewhere/x.txt"
    bad["file"] = ("x.txt", b"x", "text/plain")
    resp = http.request("POST", post["url"], fields=bad)
    check(resp.status == 403 and b"<Code>AccessDenied</Code>" in resp.data, "POST violating the policy -> AccessDenied 403 (got %s)" % resp.status)
    code, status, _ = error_code(s3.head_object, Bucket=bucket, Key="elsewhere/x.txt")
    check(status == 404, "nothing stored by the refused POST")


def listing(s3, http, bucket, work):
    """list_objects_v2 with a delimiter."""
    for k in ["l/a", "l/b/1", "l/b/2", "l/c"]:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    lst = s3.list_objects_v2(Bucket=bucket, Prefix="l/", Delimiter="/")
    keys = [o["Key"] for o in lst.get("Contents", [])]
    prefixes = [p["Prefix"] for p in lst.get("CommonPrefixes", [])]
    check(keys == ["l/a", "l/c"] and prefixes == ["l/b/"], "list with delimiter (%r %r)" % (keys, prefixes))
    lst = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    prefixes = [p["Prefix"] for p in lst.get("CommonPrefixes", [])]
    check(prefixes == ["dir/", "form/", "l/", "mp/", "seq/"], "top-level prefixes (%r)" % prefixes)


def presigned_get(s3, http, bucket, work):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/one.bin"}, ExpiresIn=60)
    resp = http.request("GET", url)
    check(resp.status == 200 and resp.data == BODY, "presigned GET (status %s)" % resp.status)


def error_codes(s3, http, bucket, work):
    for what, fn, kwargs, want_code, want_status in [
        ("get missing key", s3.get_object, {"Bucket": bucket, "Key": "nope"}, "NoSuchKey", 404),
        ("get from missing bucket", s3.get_object, {"Bucket": bucket + "-nope", "Key": "k"}, "NoSuchBucket", 404),
        ("invalid range", s3.get_object, {"Bucket": bucket, "Key": "dir/one.bin", "Range": "bytes=900000-"}, "InvalidRange", 416),
        ("delete non-empty bucket", s3.delete_bucket, {"Bucket": bucket}, "BucketNotEmpty", 409),
        ("If-Match mismatch", s3.get_object, {"Bucket": bucket, "Key": "dir/one.bin", "IfMatch": '"abc"'}, "PreconditionFailed", 412),
        ("abort unknown upload", s3.abort_multipart_upload, {"Bucket": bucket, "Key": "k", "UploadId": "nope"}, "NoSuchUpload", 404),
    ]:
        code, status, rid = error_code(fn, **kwargs)
        check(code == want_code and status == want_status and bool(rid), "%s -> %s %d (got %s %s, request id %r)" % (what, want_code, want_status, code, status, rid))


def cleanup(s3, http, bucket, work):
    objs = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": o["Key"]} for o in objs]})
    check(len(out.get("Deleted", [])) == len(objs) and not out.get("Errors"), "delete_objects removes all %d" % len(objs))
    s3.delete_bucket(Bucket=bucket)
    code, status, _ = error_code(s3.head_bucket, Bucket=bucket)
    check(status == 404, "bucket gone (head_bucket %s)" % status)


if __name__ == "__main__":
    try:
        main()
    except Exception:  # an unexpected exception is a failure with its traceback
        traceback.print_exc()
        print("FAIL unexpected exception", flush=True)
        sys.exit(1)
    sys.exit(1 if failures else 0)
