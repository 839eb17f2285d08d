// The ${NAME} expansion lives with the configuration reader (Configuration/); the endpoint (Http/) uses it.
global using Connectors.Vllm.Configuration;
