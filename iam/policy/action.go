package policy

import "strings"

// ResourceKind says which resource an action applies to, and so which ARN a
// request for that action is matched against.
type ResourceKind int

const (
	// KindObject actions act on "arn:aws:s3:::bucket/key".
	KindObject ResourceKind = iota
	// KindBucket actions act on "arn:aws:s3:::bucket".
	KindBucket
	// KindAccount actions (s3:ListAllMyBuckets, ...) have no bucket; they
	// match Resource "*" and "arn:aws:s3:::*".
	KindAccount
	// KindService actions (admin:, kms:, sts:) are not about S3 resources.
	// A statement naming only such actions has its Resource and NotResource
	// ignored, as MinIO does; a statement that may also grant S3 actions
	// ("*", s3:..., NotAction) matches them like account actions, so that
	// "NotAction": "s3:DeleteObject" on one bucket grants no admin rights.
	KindService
)

// Services whose actions a policy may name.
const (
	serviceS3    = "s3"
	serviceAdmin = "admin"
	serviceKMS   = "kms"
	serviceSTS   = "sts"
)

// s3ObjectActions act on objects.
const s3ObjectActions = `AbortMultipartUpload BypassGovernanceRetention DeleteObject
DeleteObjectTagging DeleteObjectVersion DeleteObjectVersionTagging GetObject GetObjectAcl
GetObjectAttributes GetObjectLegalHold GetObjectRetention GetObjectTagging GetObjectTorrent
GetObjectVersion GetObjectVersionAcl GetObjectVersionAttributes GetObjectVersionForReplication
GetObjectVersionTagging GetObjectVersionTorrent InitiateReplication ListMultipartUploadParts
ObjectOwnerOverrideToBucketOwner PutObject PutObjectAcl PutObjectLegalHold PutObjectRetention
PutObjectTagging PutObjectVersionAcl PutObjectVersionTagging ReplicateDelete ReplicateObject
ReplicateTags RestoreObject GetObjectFanOut PutObjectFanOut RenameObject`

// s3BucketActions act on buckets (and the last few are MinIO extensions).
const s3BucketActions = `CreateBucket DeleteBucket DeleteBucketOwnershipControls
DeleteBucketPolicy DeleteBucketWebsite GetAccelerateConfiguration GetAnalyticsConfiguration
GetBucketAcl GetBucketCORS GetBucketLocation GetBucketLogging GetBucketNotification
GetBucketObjectLockConfiguration GetBucketOwnershipControls GetBucketPolicy
GetBucketPolicyStatus GetBucketPublicAccessBlock GetBucketRequestPayment GetBucketTagging
GetBucketVersioning GetBucketWebsite GetEncryptionConfiguration
GetIntelligentTieringConfiguration GetInventoryConfiguration GetLifecycleConfiguration
GetMetricsConfiguration GetReplicationConfiguration ListBucket ListBucketMultipartUploads
ListBucketVersions PutAccelerateConfiguration PutAnalyticsConfiguration PutBucketAcl
PutBucketCORS PutBucketLogging PutBucketNotification PutBucketObjectLockConfiguration
PutBucketOwnershipControls PutBucketPolicy PutBucketPublicAccessBlock
PutBucketRequestPayment PutBucketTagging PutBucketVersioning PutBucketWebsite
PutEncryptionConfiguration PutIntelligentTieringConfiguration PutInventoryConfiguration
PutLifecycleConfiguration PutMetricsConfiguration PutReplicationConfiguration
CreateSession GetBucketAbac PutBucketAbac GetBucketMetadataTableConfiguration
CreateBucketMetadataTableConfiguration DeleteBucketMetadataTableConfiguration
GetBucketMetadataConfiguration CreateBucketMetadataConfiguration
DeleteBucketMetadataConfiguration UpdateBucketMetadataInventoryTableConfiguration
UpdateBucketMetadataJournalTableConfiguration PutBucketMetadataTableConfiguration
ListenBucketNotification ListenNotification ForceDeleteBucket
ResetBucketReplicationState HeadBucket`

// s3AccountActions have no bucket, or act on S3 resources other than
// buckets and objects (access points, jobs, Storage Lens, access grants,
// multi-Region access points).
const s3AccountActions = `ListAllMyBuckets GetAccountPublicAccessBlock
PutAccountPublicAccessBlock CreateJob DescribeJob ListJobs UpdateJobPriority UpdateJobStatus
PutJobTagging GetJobTagging DeleteJobTagging CreateAccessPoint DeleteAccessPoint
GetAccessPoint ListAccessPoints GetAccessPointPolicy PutAccessPointPolicy
DeleteAccessPointPolicy GetAccessPointPolicyStatus GetAccessPointConfigurationForObjectLambda
PutAccessPointConfigurationForObjectLambda CreateAccessPointForObjectLambda
DeleteAccessPointForObjectLambda GetAccessPointForObjectLambda ListAccessPointsForObjectLambda
GetAccessPointPolicyForObjectLambda PutAccessPointPolicyForObjectLambda
DeleteAccessPointPolicyForObjectLambda GetAccessPointPolicyStatusForObjectLambda
ListStorageLensConfigurations GetStorageLensConfiguration PutStorageLensConfiguration
DeleteStorageLensConfiguration GetStorageLensConfigurationTagging
PutStorageLensConfigurationTagging DeleteStorageLensConfigurationTagging
GetStorageLensDashboard CreateStorageLensGroup DeleteStorageLensGroup GetStorageLensGroup
ListStorageLensGroups UpdateStorageLensGroup CreateMultiRegionAccessPoint
DeleteMultiRegionAccessPoint DescribeMultiRegionAccessPointOperation
GetMultiRegionAccessPoint GetMultiRegionAccessPointPolicy
GetMultiRegionAccessPointPolicyStatus GetMultiRegionAccessPointRoutes
ListMultiRegionAccessPoints PutMultiRegionAccessPointPolicy
SubmitMultiRegionAccessPointRoutes CreateAccessGrant CreateAccessGrantsInstance
CreateAccessGrantsLocation DeleteAccessGrant DeleteAccessGrantsInstance
DeleteAccessGrantsInstanceResourcePolicy DeleteAccessGrantsLocation GetAccessGrant
GetAccessGrantsInstance GetAccessGrantsInstanceForPrefix GetAccessGrantsInstanceResourcePolicy
GetAccessGrantsLocation GetDataAccess ListAccessGrants ListAccessGrantsInstances
ListAccessGrantsLocations ListCallerAccessGrants PutAccessGrantsInstanceResourcePolicy
UpdateAccessGrantsLocation AssociateAccessGrantsIdentityCenter
DissociateAccessGrantsIdentityCenter ListTagsForResource TagResource UntagResource
CreateAccessPointForDirectoryBucket PutAccessPointScope GetAccessPointScope
DeleteAccessPointScope PutAccessPointPublicAccessBlock`

// adminActions are MinIO's administrative API actions.
const adminActions = `Heal StorageInfo DataUsageInfo TopLocksInfo Profiling ServerTrace
ConsoleLog KMSCreateKey KMSKeyStatus ServerInfo OBDInfo HealthInfo BandwidthMonitor
Prometheus ServerUpdate ServiceRestart ServiceStop ServiceFreeze ConfigUpdate CreateUser
DeleteUser ListUsers EnableUser DisableUser GetUser SiteReplicationAdd
SiteReplicationDisable SiteReplicationRemove SiteReplicationResync SiteReplicationInfo
SiteReplicationOperation CreateServiceAccount UpdateServiceAccount RemoveServiceAccount
ListServiceAccounts ListTemporaryAccounts AddUserToGroup RemoveUserFromGroup GetGroup
ListGroups EnableGroup DisableGroup CreatePolicy DeletePolicy GetPolicy
AttachUserOrGroupPolicy UpdatePolicyAssociation ListUserPolicies SetBucketQuota
GetBucketQuota SetBucketTarget GetBucketTarget SetTier ListTier ExportBucketMetadata
ImportBucketMetadata ExportIAM ImportIAM ListBatchJobs DescribeBatchJob StartBatchJob
CancelBatchJob Rebalance Decommission ReplicationDiff InspectData ForceUnlock ServiceTrace
ServiceV2 ListPools LicenseInfo ServerUpdateV2 ClusterInfo Metrics ServiceCordon`

// kmsActions are the key management actions (MinIO's KMS API, KES-style).
const kmsActions = `Status Metrics API Version CreateKey ImportKey DeleteKey KeyStatus
DescribeKey ListKeys DescribePolicy AssignPolicy DeletePolicy SetPolicy GetPolicy
ListPolicies DescribeIdentity DescribeSelfIdentity DeleteIdentity ListIdentities
Encrypt Decrypt GenerateKey`

// stsActions are the security token service actions.
const stsActions = `AssumeRole AssumeRoleWithWebIdentity AssumeRoleWithLDAPIdentity
AssumeRoleWithClientGrants AssumeRoleWithCertificate AssumeRoleWithCustomToken
GetCallerIdentity GetSessionToken`

// actionInfo describes one known action.
type actionInfo struct {
	name string // canonical spelling, e.g. "s3:GetObject"
	kind ResourceKind
}

// actionTable maps lower-cased action names to their description. It is
// built once and never written afterwards.
var actionTable = buildActionTable()

func buildActionTable() map[string]actionInfo {
	t := make(map[string]actionInfo, 400)
	add := func(service, names string, kind ResourceKind) {
		for _, n := range strings.Fields(names) {
			full := service + ":" + n
			t[strings.ToLower(full)] = actionInfo{name: full, kind: kind}
		}
	}
	add(serviceS3, s3ObjectActions, KindObject)
	add(serviceS3, s3BucketActions, KindBucket)
	add(serviceS3, s3AccountActions, KindAccount)
	add(serviceAdmin, adminActions, KindService)
	add(serviceKMS, kmsActions, KindService)
	add(serviceSTS, stsActions, KindService)
	return t
}

// ActionKind returns the resource kind of a known action (case-insensitive),
// and false for an unknown one.
func ActionKind(action string) (ResourceKind, bool) {
	info, ok := actionTable[strings.ToLower(action)]
	return info.kind, ok
}

// IsKnownAction reports whether action (case-insensitive) is in the table of
// actions a policy may name.
func IsKnownAction(action string) bool {
	_, ok := actionTable[strings.ToLower(action)]
	return ok
}

// validateAction checks one Action/NotAction element: "*", or
// "service:name" with a known service, where a name without wildcards must
// be a known action.
func validateAction(a string) error {
	if a == "*" {
		return nil
	}
	service, name, ok := strings.Cut(a, ":")
	if !ok || name == "" {
		return malformed("Policy has invalid action: %q", a)
	}
	switch strings.ToLower(service) {
	case serviceS3, serviceAdmin, serviceKMS, serviceSTS:
	default:
		return malformed("Policy has invalid action: %q (unknown service %q)", a, service)
	}
	if hasWildcard(name) {
		if strings.ContainsFunc(name, func(r rune) bool {
			return !(r == '*' || r == '?' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) {
			return malformed("Policy has invalid action: %q", a)
		}
		return nil
	}
	if !IsKnownAction(a) {
		return malformed("Policy has invalid action: %q (unknown action)", a)
	}
	return nil
}

// actionMatches reports whether the Action element pat matches action,
// case-insensitively, with * and ? wildcards.
func actionMatches(pat, action string) bool {
	if pat == "*" {
		return true
	}
	if strings.IndexByte(pat, '*') < 0 && strings.IndexByte(pat, '?') < 0 {
		return len(pat) == len(action) && strings.EqualFold(pat, action)
	}
	return matchWildcardFold(pat, action)
}

// requestKind returns the resource kind used to match a request for action:
// the table's kind for known actions, otherwise service actions for non-S3
// services and object or bucket by whether an object key is present.
func requestKind(action, object string) ResourceKind {
	if k, ok := ActionKind(action); ok {
		return k
	}
	service, _, _ := strings.Cut(action, ":")
	if !strings.EqualFold(service, serviceS3) {
		return KindService
	}
	if object != "" {
		return KindObject
	}
	return KindBucket
}
