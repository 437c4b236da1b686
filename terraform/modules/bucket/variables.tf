variable "account_id" {
  description = "Cloudflare account id that owns the bucket."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.account_id))
    error_message = "account_id must be a 32-character lowercase hex Cloudflare account id."
  }
}

variable "name" {
  description = "Bucket name: 3 to 63 lowercase letters, digits and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 63 lowercase letters, digits or hyphens, not starting or ending with a hyphen."
  }
}

variable "location" {
  description = "Location hint for the bucket (apac, eeur, enam, weur, wnam, oc), or null to let Cloudflare pick. Only honoured when the bucket is first created."
  type        = string
  default     = null

  validation {
    condition     = var.location == null || contains(["apac", "eeur", "enam", "weur", "wnam", "oc"], coalesce(var.location, "-"))
    error_message = "location must be one of apac, eeur, enam, weur, wnam, oc, or null."
  }
}

variable "jurisdiction" {
  description = "Jurisdiction the objects are guaranteed to stay in: default, eu or fedramp. Cannot change after creation."
  type        = string
  default     = "default"

  validation {
    condition     = contains(["default", "eu", "fedramp"], var.jurisdiction)
    error_message = "jurisdiction must be one of default, eu, fedramp."
  }
}

variable "cors_allowed_origins" {
  description = "Browser origins (scheme://host[:port]) allowed to read objects cross-origin. Empty: no CORS rule."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for origin in var.cors_allowed_origins :
      can(regex("^https?://([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:[0-9]{1,5})?$", origin))
    ])
    error_message = "Each origin must be scheme://host[:port] in lowercase, with no path and no trailing slash."
  }
}

variable "cors_max_age_seconds" {
  description = "How long a browser may cache the answer to a CORS preflight, in seconds."
  type        = number
  default     = 3600

  validation {
    condition     = var.cors_max_age_seconds >= 0 && var.cors_max_age_seconds <= 86400
    error_message = "cors_max_age_seconds must be between 0 and 86400."
  }
}

variable "abort_multipart_uploads_after_days" {
  description = "Unfinished multipart uploads older than this many days are aborted, so their parts stop costing storage."
  type        = number
  default     = 1

  validation {
    condition     = var.abort_multipart_uploads_after_days >= 1 && floor(var.abort_multipart_uploads_after_days) == var.abort_multipart_uploads_after_days
    error_message = "abort_multipart_uploads_after_days must be a whole number of days, at least 1."
  }
}

variable "custom_domain" {
  description = "Serve the bucket publicly at this hostname, in this zone (the zone must be on the same account). Null: no custom domain."
  type = object({
    hostname = string
    zone_id  = string
  })
  default = null

  validation {
    condition     = var.custom_domain == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.custom_domain.hostname))
    error_message = "custom_domain.hostname must be a lowercase fully qualified hostname such as files.example.com."
  }
}

variable "managed_domain_enabled" {
  description = "Serve the bucket publicly on its managed r2.dev domain. Rate-limited by Cloudflare: meant for development, a custom domain is for production."
  type        = bool
  default     = false
}
