output "access_url" {
  description = "Base URL of the access worker: the backend sends its signed grant requests here."
  value       = module.access_worker.url
}

output "upload_url" {
  description = "Base URL of the upload worker: clients send bytes here, following the grant's upload URL."
  value       = module.upload_worker.url
}

output "public_base_url" {
  description = "Base URL objects are served from; an object's URL is <public_base_url>/<object key>."
  value       = module.bucket.public_url
}

output "bucket_name" {
  description = "Name of the R2 bucket uploads are stored in."
  value       = module.bucket.name
}

output "kv_namespace_id" {
  description = "Id of the KV namespace holding nonces (the id wrangler.toml's NONCES binding needs)."
  value       = cloudflare_workers_kv_namespace.nonces.id
}

output "access_worker" {
  description = "What the access worker was deployed with: name, modules, bindings, plain vars, migration."
  value = {
    name      = module.access_worker.name
    modules   = module.access_worker.modules
    bindings  = module.access_worker.bindings
    vars      = module.access_worker.vars
    migration = module.access_worker.migration
  }
}

output "upload_worker" {
  description = "What the upload worker was deployed with: name, modules, bindings, plain vars, migration."
  value = {
    name      = module.upload_worker.name
    modules   = module.upload_worker.modules
    bindings  = module.upload_worker.bindings
    vars      = module.upload_worker.vars
    migration = module.upload_worker.migration
  }
}
