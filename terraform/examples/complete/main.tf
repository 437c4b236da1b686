# Kalos on custom domains of one zone, with the bucket in the EU.

module "kalos" {
  source = "../.."

  account_id      = var.account_id
  zone_id         = var.zone_id
  access_hostname = "kalos-access.${var.domain}"
  upload_hostname = "uploads.${var.domain}"
  bucket_hostname = "files.${var.domain}"

  bucket_name         = "kalos-uploads"
  bucket_location     = "weur"
  bucket_jurisdiction = "eu"
  allowed_origins     = var.allowed_origins

  grant_ttl_seconds = 120
  max_upload_bytes  = 25000000
  allowed_types     = ["image/jpeg", "image/png", "image/webp", "image/avif"]
  nonce_mode        = "strict"

  backend_signing_key = var.backend_signing_key
  grant_signing_key   = var.grant_signing_key
  receipt_signing_key = var.receipt_signing_key
}
