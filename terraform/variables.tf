# ---------------------------------------------------------------- account and names

variable "account_id" {
  description = "Cloudflare account id (dashboard → Workers & Pages → Account details)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.account_id))
    error_message = "account_id must be a 32-character lowercase hex Cloudflare account id."
  }
}

variable "zone_id" {
  description = "Id of the zone that holds access_hostname, upload_hostname and bucket_hostname. Needed only when one of them is set."
  type        = string
  default     = null

  validation {
    condition     = var.zone_id == null || can(regex("^[0-9a-f]{32}$", coalesce(var.zone_id, "-")))
    error_message = "zone_id must be a 32-character lowercase hex Cloudflare zone id."
  }

  validation {
    condition     = var.zone_id != null || (var.access_hostname == null && var.upload_hostname == null && var.bucket_hostname == null)
    error_message = "zone_id is required when access_hostname, upload_hostname or bucket_hostname is set."
  }
}

variable "workers_dev_subdomain" {
  description = "The account's workers.dev subdomain (the <name> in <name>.workers.dev). Workers without a custom hostname are served there. Null: workers.dev is off."
  type        = string
  default     = null

  validation {
    condition     = var.workers_dev_subdomain == null || can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", coalesce(var.workers_dev_subdomain, "-")))
    error_message = "workers_dev_subdomain must be the bare subdomain name, such as my-team (not my-team.workers.dev)."
  }

  validation {
    condition     = var.workers_dev_subdomain != null || (var.access_hostname != null && var.upload_hostname != null)
    error_message = "Each worker needs a URL: set both access_hostname and upload_hostname, or workers_dev_subdomain."
  }
}

variable "access_hostname" {
  description = "Custom domain for the access worker, such as kalos-access.example.com. Null: workers.dev only."
  type        = string
  default     = null

  validation {
    condition     = var.access_hostname == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", coalesce(var.access_hostname, "-")))
    error_message = "access_hostname must be a lowercase fully qualified hostname such as kalos-access.example.com, with no scheme, port or path."
  }
}

variable "upload_hostname" {
  description = "Custom domain for the upload worker, such as uploads.example.com. Null: workers.dev only."
  type        = string
  default     = null

  validation {
    condition     = var.upload_hostname == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", coalesce(var.upload_hostname, "-")))
    error_message = "upload_hostname must be a lowercase fully qualified hostname such as uploads.example.com, with no scheme, port or path."
  }
}

variable "bucket_hostname" {
  description = "Custom domain that serves the bucket publicly, such as files.example.com. Null: the bucket is served on its managed r2.dev domain (rate-limited, for development)."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_hostname == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", coalesce(var.bucket_hostname, "-")))
    error_message = "bucket_hostname must be a lowercase fully qualified hostname such as files.example.com, with no scheme, port or path."
  }
}

variable "compatibility_date" {
  description = "Workers runtime compatibility date of both workers, YYYY-MM-DD. Keep it equal to compatibility_date in wrangler.toml."
  type        = string
  default     = "2026-04-01"

  validation {
    condition     = can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", var.compatibility_date))
    error_message = "compatibility_date must be a date written YYYY-MM-DD."
  }
}

# ---------------------------------------------------------------- storage

variable "bucket_name" {
  description = "Name of the R2 bucket uploads are stored in."
  type        = string
  default     = "kalos-uploads"
}

variable "bucket_location" {
  description = "Location hint for the bucket: apac, eeur, enam, weur, wnam, oc, or null to let Cloudflare pick."
  type        = string
  default     = null
}

variable "bucket_jurisdiction" {
  description = "Jurisdiction the objects must stay in: default, eu or fedramp. Cannot change after the bucket exists."
  type        = string
  default     = "default"
}

variable "kv_namespace_title" {
  description = "Title of the KV namespace the access worker remembers nonces in."
  type        = string
  default     = "kalos-nonces"
}

variable "allowed_origins" {
  description = "Browser origins (scheme://host[:port]) allowed to upload through the upload worker and to read from the bucket. Empty: no browser access, apps only."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for origin in var.allowed_origins :
      can(regex("^https?://([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:[0-9]{1,5})?$", origin))
    ])
    error_message = "Each origin must be scheme://host[:port] in lowercase, with no path and no trailing slash."
  }
}

# ---------------------------------------------------------------- upload policy

variable "grant_ttl_seconds" {
  description = "How long a grant stays valid after the access worker mints it, in seconds."
  type        = number
  default     = 180

  validation {
    condition     = var.grant_ttl_seconds >= 1 && var.grant_ttl_seconds <= 600
    error_message = "grant_ttl_seconds must be between 1 and 600, the most a grant may live."
  }
}

variable "max_upload_bytes" {
  description = "Largest object a grant allows, in bytes. The edge refuses bodies over 100 MB on Free and Pro plans (200 MB Business, 500 MB Enterprise)."
  type        = number
  default     = 100000000

  validation {
    condition     = var.max_upload_bytes >= 1 && var.max_upload_bytes <= 500000000
    error_message = "max_upload_bytes must be between 1 and 500000000 (the largest request body any plan accepts)."
  }
}

variable "allowed_types" {
  description = "Media types an upload may have, established from its content."
  type        = list(string)
  default     = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic", "image/heif"]

  validation {
    condition     = length(var.allowed_types) > 0 && alltrue([for type in var.allowed_types : can(regex("^[a-z]+/[a-z0-9.+-]+$", type))])
    error_message = "allowed_types must be a non-empty list of media types such as image/png."
  }
}

variable "signature_tolerance_seconds" {
  description = "How far a signed backend request's timestamp may be from the access worker's clock, in seconds."
  type        = number
  default     = 300

  validation {
    condition     = var.signature_tolerance_seconds >= 5 && var.signature_tolerance_seconds <= 900
    error_message = "signature_tolerance_seconds must be between 5 and 900."
  }
}

variable "nonce_mode" {
  description = "How the access worker remembers nonces: kv (best effort, in KV) or strict (also spent in the ledger Durable Object)."
  type        = string
  default     = "kv"

  validation {
    condition     = contains(["kv", "strict"], var.nonce_mode)
    error_message = "nonce_mode must be kv or strict."
  }
}

# ---------------------------------------------------------------- secrets

variable "manage_secrets" {
  description = "Set the workers' secrets from the *_signing_key variables, which puts them in Terraform state. False: Terraform leaves secrets alone and you set them with `wrangler secret put`."
  type        = bool
  default     = true
}

# A key's length is counted in UTF-8 bytes, as the workers count it: characters
# plus one more byte for each character beyond U+007F, U+07FF and U+FFFF.

variable "backend_signing_key" {
  description = "HMAC key the backend signs its requests to the access worker with. At least 32 bytes."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.backend_signing_key != null || !var.manage_secrets
    error_message = "backend_signing_key is required while manage_secrets is true."
  }

  validation {
    condition = var.backend_signing_key == null || (
      length(coalesce(var.backend_signing_key, "-"))
      + length(regexall("[^\\x00-\\x7f]", coalesce(var.backend_signing_key, "-")))
      + length(regexall("[^\\x00-\\x{7ff}]", coalesce(var.backend_signing_key, "-")))
      + length(regexall("[^\\x00-\\x{ffff}]", coalesce(var.backend_signing_key, "-")))
    ) >= 32
    error_message = "backend_signing_key must be at least 32 bytes long."
  }
}

variable "backend_signing_key_previous" {
  description = "The backend signing key being rotated out, still accepted until every backend signs with the new one. Null: none."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition = var.backend_signing_key_previous == null || (
      length(coalesce(var.backend_signing_key_previous, "-"))
      + length(regexall("[^\\x00-\\x7f]", coalesce(var.backend_signing_key_previous, "-")))
      + length(regexall("[^\\x00-\\x{7ff}]", coalesce(var.backend_signing_key_previous, "-")))
      + length(regexall("[^\\x00-\\x{ffff}]", coalesce(var.backend_signing_key_previous, "-")))
    ) >= 32
    error_message = "backend_signing_key_previous must be at least 32 bytes long."
  }
}

variable "grant_signing_key" {
  description = "HMAC key grants are signed with: the access worker signs, the upload worker verifies. At least 32 bytes."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.grant_signing_key != null || !var.manage_secrets
    error_message = "grant_signing_key is required while manage_secrets is true."
  }

  validation {
    condition = var.grant_signing_key == null || (
      length(coalesce(var.grant_signing_key, "-"))
      + length(regexall("[^\\x00-\\x7f]", coalesce(var.grant_signing_key, "-")))
      + length(regexall("[^\\x00-\\x{7ff}]", coalesce(var.grant_signing_key, "-")))
      + length(regexall("[^\\x00-\\x{ffff}]", coalesce(var.grant_signing_key, "-")))
    ) >= 32
    error_message = "grant_signing_key must be at least 32 bytes long."
  }
}

variable "grant_signing_key_previous" {
  description = "The grant signing key being rotated out, still accepted for grants minted before the rotation. Null: none."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition = var.grant_signing_key_previous == null || (
      length(coalesce(var.grant_signing_key_previous, "-"))
      + length(regexall("[^\\x00-\\x7f]", coalesce(var.grant_signing_key_previous, "-")))
      + length(regexall("[^\\x00-\\x{7ff}]", coalesce(var.grant_signing_key_previous, "-")))
      + length(regexall("[^\\x00-\\x{ffff}]", coalesce(var.grant_signing_key_previous, "-")))
    ) >= 32
    error_message = "grant_signing_key_previous must be at least 32 bytes long."
  }
}

variable "receipt_signing_key" {
  description = "HMAC key the upload worker signs receipts with; the backend verifies them with it. At least 32 bytes."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.receipt_signing_key != null || !var.manage_secrets
    error_message = "receipt_signing_key is required while manage_secrets is true."
  }

  validation {
    condition = var.receipt_signing_key == null || (
      length(coalesce(var.receipt_signing_key, "-"))
      + length(regexall("[^\\x00-\\x7f]", coalesce(var.receipt_signing_key, "-")))
      + length(regexall("[^\\x00-\\x{7ff}]", coalesce(var.receipt_signing_key, "-")))
      + length(regexall("[^\\x00-\\x{ffff}]", coalesce(var.receipt_signing_key, "-")))
    ) >= 32
    error_message = "receipt_signing_key must be at least 32 bytes long."
  }
}

variable "receipt_signing_key_previous" {
  description = "The receipt signing key being rotated out. Null: none."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition = var.receipt_signing_key_previous == null || (
      length(coalesce(var.receipt_signing_key_previous, "-"))
      + length(regexall("[^\\x00-\\x7f]", coalesce(var.receipt_signing_key_previous, "-")))
      + length(regexall("[^\\x00-\\x{7ff}]", coalesce(var.receipt_signing_key_previous, "-")))
      + length(regexall("[^\\x00-\\x{ffff}]", coalesce(var.receipt_signing_key_previous, "-")))
    ) >= 32
    error_message = "receipt_signing_key_previous must be at least 32 bytes long."
  }
}
