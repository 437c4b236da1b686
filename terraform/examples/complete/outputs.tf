output "access_url" {
  description = "Where the backend sends signed grant requests."
  value       = module.kalos.access_url
}

output "upload_url" {
  description = "Where clients send bytes."
  value       = module.kalos.upload_url
}

output "public_base_url" {
  description = "Where stored objects are served from."
  value       = module.kalos.public_base_url
}
