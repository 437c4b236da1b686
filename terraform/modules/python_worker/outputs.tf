output "name" {
  description = "Worker (script) name."
  value       = cloudflare_workers_script.this.script_name
}

output "url" {
  description = "Base URL the worker answers at (https://host, no trailing slash): its custom domain if set, else its workers.dev URL, else null."
  value = (
    var.custom_domain != null ? "https://${cloudflare_workers_custom_domain.this[0].hostname}" :
    var.workers_dev_subdomain != null ? "https://${cloudflare_workers_script.this.script_name}.${var.workers_dev_subdomain}.workers.dev" :
    null
  )
}

output "modules" {
  description = "Names of the modules uploaded, main module included, sorted."
  value       = sort(concat([cloudflare_workers_script.this.main_module], keys(cloudflare_workers_script.this.files)))
}

output "bindings" {
  description = "The worker's bindings by name: type and what each points at, without values (see vars)."
  value = {
    for binding in cloudflare_workers_script.this.bindings : binding.name => {
      type         = binding.type
      bucket_name  = binding.bucket_name
      jurisdiction = binding.jurisdiction
      namespace_id = binding.namespace_id
      class_name   = binding.class_name
      script_name  = binding.script_name
    }
  }
}

output "vars" {
  description = "Values of the plain-text bindings, by name. Secret values are never output."
  value = {
    for binding in cloudflare_workers_script.this.bindings : binding.name => binding.text
    if binding.type == "plain_text"
  }
}

output "migration" {
  description = "The Durable Object migration sent with this upload, or null."
  value       = cloudflare_workers_script.this.migrations
}
