#!/usr/bin/python3
"""boto3 scenario for tagging, versioning and POST object lock fields against a Silo server, driven by
bucketfeat_test.go.

Usage: bucketfeat_boto3.py ENDPOINT BUCKET
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
Prints one line per check ("ok ..." or "FAIL ..."); exits 1 if any check failed.
"""

import sys
import traceback

import boto3
import urllib3
from botocore.config import Config
from botocore.exceptions import ClientError

failures = []


def check(cond, what):
    print("ok" if cond else "FAIL", what, flush=True)
    if not cond:
        failures.append(what)


def code_of(fn, **kwargs):
    """Runs fn and returns (code, status) of its ClientError, or (None, 200)."""
    try:
        fn(**kwargs)
    except ClientError as e:
        return e.response.get("Error", {}).get("Code"), e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return None, 200


def tags_of(s3, bucket, key, **kw):
    return [(t["Key"], t["Value"]) for t in s3.get_object_tagging(Bucket=bucket, Key=key, **kw)["TagSet"]]


def tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="team=blue&env=prod")
    check(tags_of(s3, bucket, "tagged") == [("team", "blue"), ("env", "prod")], "x-amz-tagging on PUT")
    got = s3.get_object(Bucket=bucket, Key="tagged")
    got["Body"].read()
    check(got.get("TagCount") == 2, "GetObject TagCount 2 (got %r)" % got.get("TagCount"))
    s3.put_object_tagging(Bucket=bucket, Key="tagged", Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
    check(tags_of(s3, bucket, "tagged") == [("only", "one")], "PutObjectTagging replaces the set")
    eleven = [{"Key": "k%d" % i, "Value": "v"} for i in range(11)]
    cases = [
        ("eleven tags", eleven, ("BadRequest", 400)),
        ("duplicate key", [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], ("InvalidTag", 400)),
        ("key too long", [{"Key": "k" * 129, "Value": "v"}], ("InvalidTag", 400)),
        ("value too long", [{"Key": "k", "Value": "v" * 257}], ("InvalidTag", 400)),
        ("bad character", [{"Key": "a*b", "Value": "v"}], ("InvalidTag", 400)),
    ]
    for name, tagset, want in cases:
        got = code_of(s3.put_object_tagging, Bucket=bucket, Key="tagged", Tagging={"TagSet": tagset})
        check(got == want, "object tagging %s -> %s (got %s)" % (name, want, got))
    check(tags_of(s3, bucket, "tagged") == [("only", "one")], "bad tagging changed nothing")
    s3.copy_object(Bucket=bucket, Key="tagged-copy", CopySource={"Bucket": bucket, "Key": "tagged"})
    check(tags_of(s3, bucket, "tagged-copy") == [("only", "one")], "CopyObject copies tags")
    s3.copy_object(Bucket=bucket, Key="tagged-copy", CopySource={"Bucket": bucket, "Key": "tagged"},
                   TaggingDirective="REPLACE", Tagging="new=tag")
    check(tags_of(s3, bucket, "tagged-copy") == [("new", "tag")], "CopyObject REPLACE sets new tags")
    s3.delete_object_tagging(Bucket=bucket, Key="tagged")
    check(tags_of(s3, bucket, "tagged") == [], "DeleteObjectTagging empties the set")

    check(code_of(s3.get_bucket_tagging, Bucket=bucket) == ("NoSuchTagSet", 404), "GetBucketTagging without tags -> NoSuchTagSet")
    fifty = [{"Key": "k%d" % i, "Value": "v%d" % i} for i in range(50)]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": fifty})
    check(len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50, "50 bucket tags")
    got = code_of(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": fifty + [{"Key": "x", "Value": "y"}]})
    check(got == ("BadRequest", 400), "51 bucket tags -> BadRequest (got %s)" % (got,))
    check(len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50, "bucket tags unchanged")
    s3.delete_bucket_tagging(Bucket=bucket)
    check(code_of(s3.get_bucket_tagging, Bucket=bucket) == ("NoSuchTagSet", 404), "DeleteBucketTagging")


def versioning(s3, bucket):
    got = code_of(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={"Status": "Bogus"})
    check(got == ("MalformedXML", 400), "versioning status Bogus -> MalformedXML (got %s)" % (got,))
    check("Status" not in s3.get_bucket_versioning(Bucket=bucket), "bucket still unversioned")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    check(s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled", "versioning Enabled")
    ids = [s3.put_object(Bucket=bucket, Key="doc", Body=b"v%d" % i)["VersionId"] for i in range(3)]
    check(len(set(ids)) == 3 and "null" not in ids, "three distinct version ids")
    marker = s3.delete_object(Bucket=bucket, Key="doc")
    check(marker.get("DeleteMarker") is True and marker.get("VersionId"), "DELETE adds a delete marker")
    check(code_of(s3.head_object, Bucket=bucket, Key="doc") == ("404", 404), "HEAD of a deleted key -> 404")
    check(code_of(s3.head_object, Bucket=bucket, Key="doc", VersionId=marker["VersionId"]) == ("405", 405),
          "HEAD of the marker version -> 405")
    versions, markers = [], []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix="doc", PaginationConfig={"PageSize": 1}):
        versions += page.get("Versions", [])
        markers += page.get("DeleteMarkers", [])
    check([v["VersionId"] for v in versions] == ids[::-1], "versions newest first across pages")
    check(len(markers) == 1 and markers[0]["IsLatest"], "one latest delete marker")
    out = s3.copy_object(Bucket=bucket, Key="doc", CopySource={"Bucket": bucket, "Key": "doc", "VersionId": ids[0]})
    check(out.get("CopySourceVersionId") == ids[0], "restore copy names its source version")
    body = s3.get_object(Bucket=bucket, Key="doc")["Body"].read()
    check(body == b"v0", "restored content is the first version (got %r)" % body)
    check(tags_of(s3, bucket, "doc", VersionId=ids[1]) == [], "tagging by version id")
    s3.put_object_tagging(Bucket=bucket, Key="doc", VersionId=ids[1], Tagging={"TagSet": [{"Key": "old", "Value": "yes"}]})
    check(tags_of(s3, bucket, "doc", VersionId=ids[1]) == [("old", "yes")] and tags_of(s3, bucket, "doc") == [],
          "tags set on one version only")
    everything = [{"Key": "doc", "VersionId": v["VersionId"]} for v in s3.list_object_versions(Bucket=bucket, Prefix="doc")["Versions"]]
    everything.append({"Key": "doc", "VersionId": marker["VersionId"]})
    res = s3.delete_objects(Bucket=bucket, Delete={"Objects": everything})
    check(len(res.get("Deleted", [])) == len(everything) and not res.get("Errors"), "DeleteObjects with version ids")
    left = s3.list_object_versions(Bucket=bucket, Prefix="doc")
    check(not left.get("Versions") and not left.get("DeleteMarkers"), "no version of doc left")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    out = s3.put_object(Bucket=bucket, Key="doc", Body=b"n")
    check(out.get("VersionId") == "null", "Suspended PUT writes the null version (got %r)" % out.get("VersionId"))


def post_lock(s3, bucket):
    """A browser POST upload's x-amz-object-lock-* fields lock the version."""
    locked = bucket + "-lock"
    s3.create_bucket(Bucket=locked, ObjectLockEnabledForBucket=True)
    post = s3.generate_presigned_post(
        Bucket=locked, Key="held", Fields={"x-amz-object-lock-legal-hold": "ON"},
        Conditions=[{"x-amz-object-lock-legal-hold": "ON"}], ExpiresIn=300)
    fields = dict(post["fields"])
    fields["file"] = ("held.txt", b"held by a form", "text/plain")
    resp = urllib3.PoolManager().request("POST", post["url"], fields=fields)
    check(resp.status == 204, "POST upload with a legal hold field -> 204 (got %s %s)" % (resp.status, resp.data[:200]))
    head = s3.head_object(Bucket=locked, Key="held")
    check(head.get("ObjectLockLegalHoldStatus") == "ON", "POST legal hold applied (got %r)" % head.get("ObjectLockLegalHoldStatus"))
    vid = head.get("VersionId")
    got = code_of(s3.delete_object, Bucket=locked, Key="held", VersionId=vid)
    check(got == ("AccessDenied", 403), "held version refuses deletion (got %s)" % (got,))
    s3.put_object_legal_hold(Bucket=locked, Key="held", VersionId=vid, LegalHold={"Status": "OFF"},
                             ChecksumAlgorithm="CRC32")
    s3.delete_object(Bucket=locked, Key="held", VersionId=vid)
    s3.delete_bucket(Bucket=locked)


def main():
    endpoint, bucket = sys.argv[1:3]
    s3 = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}, read_timeout=15),
    )
    s3.create_bucket(Bucket=bucket)
    for name, fn in [("tagging", tagging), ("versioning", versioning), ("post-lock", post_lock)]:
        try:
            fn(s3, bucket)
        except Exception as e:  # noqa: BLE001 - any exception is a failed check
            traceback.print_exc()
            check(False, "%s: unexpected %s: %s" % (name, type(e).__name__, e))
    print("ok scenario finished", flush=True)


if __name__ == "__main__":
    main()
    sys.exit(1 if failures else 0)
