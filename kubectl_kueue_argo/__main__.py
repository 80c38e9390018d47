from kubectl_kueue_argo.cli import main

main()
