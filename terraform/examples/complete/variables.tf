variable "account_id" {
  description = "Cloudflare account id."
  type        = string
}

variable "zone_id" {
  description = "Id of the zone that holds the three hostnames."
  type        = string
}

variable "domain" {
  description = "Domain of that zone, such as example.com; the workers and the bucket get hostnames under it."
  type        = string
}

variable "allowed_origins" {
  description = "Browser origins allowed to upload and to read objects."
  type        = list(string)
  default     = []
}

variable "backend_signing_key" {
  description = "HMAC key shared by the backend and the access worker, at least 32 bytes."
  type        = string
  sensitive   = true
}

variable "grant_signing_key" {
  description = "HMAC key shared by the two workers for grants, at least 32 bytes."
  type        = string
  sensitive   = true
}

variable "receipt_signing_key" {
  description = "HMAC key shared by the upload worker and the backend for receipts, at least 32 bytes."
  type        = string
  sensitive   = true
}
