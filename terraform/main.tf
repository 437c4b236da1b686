# Kalos on Cloudflare: the bucket, the nonce namespace and the two workers.
#
# Names, bindings and the Durable Object migration match wrangler.toml, so either
# tool can deploy (tests/terraform checks that they match). The upload worker
# defines the GrantLedger Durable Object and the access worker binds to it across
# scripts, so the upload worker is created first and destroyed last: the access
# worker's binding reads module.upload_worker.name, which orders them.

locals {
  workers_root = "${path.module}/../workers"

  access_worker_name = "kalos-access"
  upload_worker_name = "kalos-upload"

  # The replay ledger: one Durable Object per grant, SQLite-backed.
  ledger = {
    binding       = "LEDGER"
    class_name    = "GrantLedger"
    migration_tag = "v1"
  }

  # Null keys are dropped, so the *_PREVIOUS secrets exist only during a rotation.
  access_secrets = {
    for name, value in {
      BACKEND_SIGNING_KEY          = var.backend_signing_key
      BACKEND_SIGNING_KEY_PREVIOUS = var.backend_signing_key_previous
      GRANT_SIGNING_KEY            = var.grant_signing_key
      GRANT_SIGNING_KEY_PREVIOUS   = var.grant_signing_key_previous
    } : name => value if value != null && var.manage_secrets
  }
  upload_secrets = {
    for name, value in {
      GRANT_SIGNING_KEY            = var.grant_signing_key
      GRANT_SIGNING_KEY_PREVIOUS   = var.grant_signing_key_previous
      RECEIPT_SIGNING_KEY          = var.receipt_signing_key
      RECEIPT_SIGNING_KEY_PREVIOUS = var.receipt_signing_key_previous
    } : name => value if value != null && var.manage_secrets
  }
}

module "bucket" {
  source = "./modules/bucket"

  account_id           = var.account_id
  name                 = var.bucket_name
  location             = var.bucket_location
  jurisdiction         = var.bucket_jurisdiction
  cors_allowed_origins = var.allowed_origins

  custom_domain          = var.bucket_hostname == null ? null : { hostname = var.bucket_hostname, zone_id = var.zone_id }
  managed_domain_enabled = var.bucket_hostname == null
}

# A single resource, so it is declared here rather than wrapped in a module.
resource "cloudflare_workers_kv_namespace" "nonces" {
  account_id = var.account_id
  title      = var.kv_namespace_title
}

module "upload_worker" {
  source = "./modules/python_worker"

  account_id         = var.account_id
  name               = local.upload_worker_name
  source_dir         = "${local.workers_root}/upload"
  package_dir        = "${local.workers_root}/kalos"
  compatibility_date = var.compatibility_date

  vars = {
    PUBLIC_BASE_URL = module.bucket.public_url
    ALLOWED_ORIGINS = join(",", var.allowed_origins)
  }
  secrets                = local.upload_secrets
  keep_unmanaged_secrets = !var.manage_secrets

  r2_buckets = {
    BUCKET = { bucket_name = module.bucket.name, jurisdiction = module.bucket.jurisdiction }
  }
  durable_objects = {
    (local.ledger.binding) = { class_name = local.ledger.class_name }
  }
  migration = {
    new_tag            = local.ledger.migration_tag
    new_sqlite_classes = [local.ledger.class_name]
  }

  custom_domain         = var.upload_hostname == null ? null : { hostname = var.upload_hostname, zone_id = var.zone_id }
  workers_dev_subdomain = var.upload_hostname == null ? var.workers_dev_subdomain : null
}

module "access_worker" {
  source = "./modules/python_worker"

  account_id         = var.account_id
  name               = local.access_worker_name
  source_dir         = "${local.workers_root}/access"
  package_dir        = "${local.workers_root}/kalos"
  compatibility_date = var.compatibility_date

  vars = {
    UPLOAD_BASE_URL             = module.upload_worker.url
    GRANT_TTL_SECONDS           = tostring(var.grant_ttl_seconds)
    MAX_UPLOAD_BYTES            = tostring(var.max_upload_bytes)
    ALLOWED_TYPES               = join(",", var.allowed_types)
    SIGNATURE_TOLERANCE_SECONDS = tostring(var.signature_tolerance_seconds)
    NONCE_MODE                  = var.nonce_mode
  }
  secrets                = local.access_secrets
  keep_unmanaged_secrets = !var.manage_secrets

  kv_namespaces = {
    NONCES = cloudflare_workers_kv_namespace.nonces.id
  }
  durable_objects = {
    (local.ledger.binding) = { class_name = local.ledger.class_name, script_name = module.upload_worker.name }
  }

  custom_domain         = var.access_hostname == null ? null : { hostname = var.access_hostname, zone_id = var.zone_id }
  workers_dev_subdomain = var.access_hostname == null ? var.workers_dev_subdomain : null
}
