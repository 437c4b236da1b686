locals {
  # Bindings, CORS, lifecycle and domains name the jurisdiction only when there is one.
  jurisdiction = var.jurisdiction == "default" ? null : var.jurisdiction
}

resource "cloudflare_r2_bucket" "this" {
  account_id   = var.account_id
  name         = var.name
  location     = var.location
  jurisdiction = var.jurisdiction
}

# Browsers read objects cross-origin; uploads go through the upload worker, which
# answers its own CORS, so the bucket only allows reads.
resource "cloudflare_r2_bucket_cors" "this" {
  count = length(var.cors_allowed_origins) > 0 ? 1 : 0

  account_id   = var.account_id
  bucket_name  = cloudflare_r2_bucket.this.name
  jurisdiction = local.jurisdiction

  rules = [{
    id = "browser-reads"
    allowed = {
      origins = var.cors_allowed_origins
      methods = ["GET", "HEAD"]
    }
    expose_headers  = ["Content-Length", "Content-Type", "ETag", "Last-Modified"]
    max_age_seconds = var.cors_max_age_seconds
  }]
}

resource "cloudflare_r2_bucket_lifecycle" "this" {
  account_id   = var.account_id
  bucket_name  = cloudflare_r2_bucket.this.name
  jurisdiction = local.jurisdiction

  rules = [{
    id      = "abort-unfinished-multipart-uploads"
    enabled = true
    conditions = {
      prefix = ""
    }
    abort_multipart_uploads_transition = {
      condition = {
        type    = "Age"
        max_age = var.abort_multipart_uploads_after_days * 86400
      }
    }
  }]
}

resource "cloudflare_r2_custom_domain" "this" {
  count = var.custom_domain == null ? 0 : 1

  account_id   = var.account_id
  bucket_name  = cloudflare_r2_bucket.this.name
  jurisdiction = local.jurisdiction
  domain       = var.custom_domain.hostname
  zone_id      = var.custom_domain.zone_id
  enabled      = true
  min_tls      = "1.2"
}

resource "cloudflare_r2_managed_domain" "this" {
  count = var.managed_domain_enabled ? 1 : 0

  account_id   = var.account_id
  bucket_name  = cloudflare_r2_bucket.this.name
  jurisdiction = local.jurisdiction
  enabled      = true
}
