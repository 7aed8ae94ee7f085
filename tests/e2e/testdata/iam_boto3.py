"""IAM scenario for boto3: a user limited to one bucket, and AssumeRole.

usage: iam_boto3.py ENDPOINT CA_FILE ACCESS_KEY SECRET_KEY ALLOWED_BUCKET DENIED_BUCKET

Prints "ok ..." per passed check, "FAIL ..." per failed one, and one line
"SESSION <json>" with temporary credentials for the caller to reuse.
"""
import datetime
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, ca, ak, sk, allowed, denied = sys.argv[1:7]
verify = ca if ca else False
cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})


def s3(ak, sk, token=None):
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ak, aws_secret_access_key=sk,
                        aws_session_token=token, region_name="us-east-1", verify=verify, config=cfg)


def check(name, fn, want_code=None):
    try:
        fn()
    except ClientError as e:
        code = e.response["Error"]["Code"]
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        if want_code == code:
            print(f"ok {name}: {code} {status}")
        else:
            print(f"FAIL {name}: got {code} {status}, want {want_code or 'success'}")
        return
    if want_code:
        print(f"FAIL {name}: succeeded, want {want_code}")
    else:
        print(f"ok {name}")


def roundtrip(c, bucket, key):
    c.put_object(Bucket=bucket, Key=key, Body=b"payload of " + key.encode())
    body = c.get_object(Bucket=bucket, Key=key)["Body"].read()
    if body != b"payload of " + key.encode():
        raise AssertionError(f"read back {body!r}")


user = s3(ak, sk)
check("user round trip in allowed bucket", lambda: roundtrip(user, allowed, "boto3/user.txt"))
check("user put in denied bucket", lambda: user.put_object(Bucket=denied, Key="x", Body=b"x"), "AccessDenied")
check("user get in denied bucket", lambda: user.get_object(Bucket=denied, Key="x"), "AccessDenied")
check("user delete in allowed bucket", lambda: user.delete_object(Bucket=allowed, Key="boto3/user.txt"), "AccessDenied")

sts = boto3.client("sts", endpoint_url=endpoint, aws_access_key_id=ak, aws_secret_access_key=sk,
                   region_name="us-east-1", verify=verify, config=Config(retries={"max_attempts": 1}))
resp = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/silo", RoleSessionName="e2e", DurationSeconds=900)
cr = resp["Credentials"]
left = (cr["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
if 840 <= left <= 960:
    print("ok session expires in 15 minutes")
else:
    print(f"FAIL session expires in {left} s, want 900")
sess = s3(cr["AccessKeyId"], cr["SecretAccessKey"], cr["SessionToken"])
check("session round trip in allowed bucket", lambda: roundtrip(sess, allowed, "boto3/session.txt"))
check("session put in denied bucket", lambda: sess.put_object(Bucket=denied, Key="x", Body=b"x"), "AccessDenied")
forged = s3(cr["AccessKeyId"], cr["SecretAccessKey"], cr["SessionToken"][:-4] + "AAAA")
check("forged session token", lambda: forged.get_object(Bucket=allowed, Key="boto3/session.txt"), "InvalidToken")

narrow = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/silo", RoleSessionName="ro",
                         Policy=json.dumps({"Version": "2012-10-17", "Statement": [
                             {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::*"]}]}))["Credentials"]
ro = s3(narrow["AccessKeyId"], narrow["SecretAccessKey"], narrow["SessionToken"])
check("narrowed session reads", lambda: ro.get_object(Bucket=allowed, Key="boto3/session.txt")["Body"].read())
check("narrowed session cannot write", lambda: ro.put_object(Bucket=allowed, Key="y", Body=b"y"), "AccessDenied")
check("narrowed session cannot exceed parent", lambda: ro.get_object(Bucket=denied, Key="x"), "AccessDenied")

print("SESSION " + json.dumps({"AccessKeyId": cr["AccessKeyId"], "SecretAccessKey": cr["SecretAccessKey"],
                               "SessionToken": cr["SessionToken"]}))
print("ok done")
