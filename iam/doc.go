// Package iam holds Silo's identities and decides who may do what. Until
// users, groups and policies land it knows only the root credentials.
package iam
