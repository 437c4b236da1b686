output "name" {
  description = "Bucket name, for R2 bindings."
  value       = cloudflare_r2_bucket.this.name
}

output "jurisdiction" {
  description = "Jurisdiction for R2 bindings: null for the default jurisdiction, else eu or fedramp."
  value       = local.jurisdiction
}

output "public_url" {
  description = "Base URL objects are served from (https://host, no trailing slash): the custom domain if set, else the r2.dev domain if enabled, else null."
  value = (
    var.custom_domain != null ? "https://${cloudflare_r2_custom_domain.this[0].domain}" :
    var.managed_domain_enabled ? "https://${cloudflare_r2_managed_domain.this[0].domain}" :
    null
  )
}
