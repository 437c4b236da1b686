terraform {
  required_version = ">= 1.9"

  required_providers {
    cloudflare = {
      source = "cloudflare/cloudflare"
      # Pinned to the version whose schema the offline checks in tests/terraform use.
      version = "5.28.0"
    }
  }
}
