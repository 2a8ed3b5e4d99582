// Command auth is the Gatehouse auth Lambda function.
package main

import "github.com/gatehouse-dev/gatehouse/internal/app"

func main() { app.Run("auth", app.AuthFunction) }
