#!/usr/bin/python3
"""boto3 server-side encryption scenario against a Silo server (sse_test.go).

Usage: sse_boto3.py ENDPOINT CA_FILE BUCKET KMS_KEY
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
Prints "ok ..." or "FAIL ..." per check; exits 1 if any check failed.
"""

import base64
import hashlib
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

failures = []


def check(cond, what):
    print("ok" if cond else "FAIL", what, flush=True)
    if not cond:
        failures.append(what)


def code_of(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, 200


def main():
    endpoint, ca, bucket, kms_key = sys.argv[1:5]
    s3 = boto3.client("s3", endpoint_url=endpoint, verify=ca, region_name="us-east-1",
                      config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    s3.create_bucket(Bucket=bucket)
    data = os.urandom(3 * 65536 + 999)
    key = os.urandom(32)
    ssec = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    methods = {
        "sse-s3": ({"ServerSideEncryption": "AES256"}, {}),
        "sse-kms": ({"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key,
                     "SSEKMSEncryptionContext": base64.b64encode(b'{"app":"boto3"}').decode()}, {}),
        "sse-c": (ssec, ssec),
    }
    for name, (put, get) in methods.items():
        out = s3.put_object(Bucket=bucket, Key=name, Body=data, **put)
        etag_is_md5 = out["ETag"].strip('"') == hashlib.md5(data).hexdigest()
        check(etag_is_md5 == (name == "sse-s3"), name + " etag md5 only for sse-s3")
        got = s3.get_object(Bucket=bucket, Key=name, **get)
        check(got["Body"].read() == data, name + " round trip")
        if name == "sse-c":
            check(got.get("SSECustomerAlgorithm") == "AES256", name + " customer algorithm header")
        else:
            check(got.get("ServerSideEncryption") == put["ServerSideEncryption"], name + " header")
        if name == "sse-kms":
            check(got.get("SSEKMSKeyId") == kms_key, name + " key id header")
        part = s3.get_object(Bucket=bucket, Key=name, Range="bytes=65530-131080", **get)["Body"].read()
        check(part == data[65530:131081], name + " range across packages")
        head = s3.head_object(Bucket=bucket, Key=name, **get)
        check(head["ContentLength"] == len(data), name + " head size")
    listed = {o["Key"]: o["Size"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    check(all(listed[n] == len(data) for n in methods), "listing shows plaintext sizes")

    wrong = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": os.urandom(32)}
    check(code_of(s3.get_object, Bucket=bucket, Key="sse-c", **wrong) == ("AccessDenied", 403), "wrong sse-c key is 403")
    check(code_of(s3.get_object, Bucket=bucket, Key="sse-c")[1] == 400, "missing sse-c key is 400")
    check(code_of(s3.put_object, Bucket=bucket, Key="bad", Body=b"x", ServerSideEncryption="aws:kms",
                  SSEKMSKeyId="no-such-key")[0] == "KMS.NotFoundException", "unknown kms key")

    # Copies that change the method.
    s3.copy_object(Bucket=bucket, Key="c1", CopySource={"Bucket": bucket, "Key": "sse-c"},
                   CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key,
                   ServerSideEncryption="aws:kms", SSEKMSKeyId=kms_key)
    got = s3.get_object(Bucket=bucket, Key="c1")
    check(got["Body"].read() == data and got.get("ServerSideEncryption") == "aws:kms", "copy sse-c -> sse-kms")
    key2 = os.urandom(32)
    s3.copy_object(Bucket=bucket, Key="c2", CopySource={"Bucket": bucket, "Key": "c1"},
                   SSECustomerAlgorithm="AES256", SSECustomerKey=key2)
    got = s3.get_object(Bucket=bucket, Key="c2", SSECustomerAlgorithm="AES256", SSECustomerKey=key2)
    check(got["Body"].read() == data, "copy sse-kms -> sse-c")

    # Multipart upload through the transfer manager (SSE-C, 3 parts).
    big = os.urandom(17 * 1024 * 1024 + 5)
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "sse-boto3-big-%d" % os.getpid())
    with open(path, "wb") as f:
        f.write(big)
    cfg = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)
    s3.upload_file(path, bucket, "big", ExtraArgs=ssec, Config=cfg)
    os.remove(path)
    b0 = 8 * 1024 * 1024
    part = s3.get_object(Bucket=bucket, Key="big", Range="bytes=%d-%d" % (b0 - 7, b0 + 7), **ssec)["Body"].read()
    check(part == big[b0 - 7:b0 + 8], "multipart range across parts")
    whole = s3.get_object(Bucket=bucket, Key="big", **ssec)["Body"].read()
    check(hashlib.sha256(whole).digest() == hashlib.sha256(big).digest(), "multipart round trip")

    for o in s3.list_objects_v2(Bucket=bucket)["Contents"]:
        s3.delete_object(Bucket=bucket, Key=o["Key"])
    s3.delete_bucket(Bucket=bucket)
    print("ok done", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
