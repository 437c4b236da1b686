variable "account_id" {
  description = "Cloudflare account id that owns the worker."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.account_id))
    error_message = "account_id must be a 32-character lowercase hex Cloudflare account id."
  }
}

variable "name" {
  description = "Worker (script) name. Other workers' Durable Object bindings and wrangler refer to it by this name."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.name))
    error_message = "name must be 1 to 63 lowercase letters, digits or hyphens, not starting or ending with a hyphen."
  }
}

variable "source_dir" {
  description = "Folder holding the worker's own modules. Every *.py file under it is uploaded under its path relative to this folder."
  type        = string
}

variable "package_dir" {
  description = "Folder of the shared Python package. Every *.py file under it is uploaded as <folder name>/<path>, so `import <folder name>` works."
  type        = string
}

variable "main_module" {
  description = "Module, relative to source_dir, that defines the worker's entrypoint."
  type        = string
  default     = "entry.py"

  validation {
    condition     = endswith(var.main_module, ".py")
    error_message = "main_module must be a Python module (*.py)."
  }
}

variable "compatibility_date" {
  description = "Workers runtime compatibility date, YYYY-MM-DD."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", var.compatibility_date))
    error_message = "compatibility_date must be a date written YYYY-MM-DD."
  }
}

variable "compatibility_flags" {
  description = "Workers runtime compatibility flags. A Python Worker needs python_workers."
  type        = list(string)
  default     = ["python_workers"]

  validation {
    condition     = contains(var.compatibility_flags, "python_workers")
    error_message = "compatibility_flags must include python_workers."
  }
}

variable "vars" {
  description = "Plain-text environment variables, by binding name. Stored in clear in the worker's settings."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Secret environment variables, by binding name. Stored in Terraform state; leave empty and set keep_unmanaged_secrets to keep them out."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "keep_unmanaged_secrets" {
  description = "Keep secrets set outside Terraform (`wrangler secret put`) when the worker is uploaded again. Without it an upload removes every secret not in `secrets`."
  type        = bool
  default     = false
}

variable "r2_buckets" {
  description = "R2 bucket bindings, by binding name. jurisdiction is null for the default jurisdiction."
  type = map(object({
    bucket_name  = string
    jurisdiction = optional(string)
  }))
  default = {}
}

variable "kv_namespaces" {
  description = "KV namespace bindings: binding name to namespace id."
  type        = map(string)
  default     = {}
}

variable "durable_objects" {
  description = "Durable Object bindings, by binding name. script_name is null for a class this worker defines, else the worker that defines it (deploy that worker first)."
  type = map(object({
    class_name  = string
    script_name = optional(string)
  }))
  default = {}
}

variable "migration" {
  description = "Durable Object migration applied with this upload: new_tag, the tag it moves from (old_tag, null on first deploy), and the classes it creates (SQLite-backed) or deletes. Null: no migration."
  type = object({
    new_tag            = string
    old_tag            = optional(string)
    new_sqlite_classes = optional(list(string))
    deleted_classes    = optional(list(string))
  })
  default = null
}

variable "custom_domain" {
  description = "Serve the worker at this hostname, in this zone (the zone must be on the same account). Null: no custom domain."
  type = object({
    hostname = string
    zone_id  = string
  })
  default = null

  validation {
    condition     = var.custom_domain == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.custom_domain.hostname))
    error_message = "custom_domain.hostname must be a lowercase fully qualified hostname such as api.example.com."
  }
}

variable "workers_dev_subdomain" {
  description = "The account's workers.dev subdomain (the <name> in <name>.workers.dev). When set, the worker is also served at https://<worker>.<name>.workers.dev. Null: not on workers.dev."
  type        = string
  default     = null

  validation {
    condition     = var.workers_dev_subdomain == null || can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", coalesce(var.workers_dev_subdomain, "-")))
    error_message = "workers_dev_subdomain must be the bare subdomain name, such as my-team (not my-team.workers.dev)."
  }
}
